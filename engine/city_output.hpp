#pragma once
/// \file
/// Transitional: the city's context and writer moved to engine/context.hpp and
/// engine/city_writer.hpp.

#include "engine/city_writer.hpp"
#include "engine/context.hpp"
