#pragma once
/// \file
/// The run_info table of a city: every parameter, input, version, count and timing, as text
/// (also written as the GeoPackage's metadata).

#include "engine/city_writer.hpp"
#include "engine/context.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

std::vector<std::pair<std::string, std::string>> run_info(const CityContext& o,
                                                          double write_seconds);

} // namespace vigia::engine
