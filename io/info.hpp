#pragma once
/// \file
/// `vigia info`: what a vector file holds, as an analyst needs it before writing a manifest.

#include <string>

namespace vigia::io {

/// Layers, geometry types, CRS, feature counts, extents, fields and, for date and
/// date-time fields, the time span. Throws InputError when the file cannot be opened.
std::string describe(const std::string& path);

} // namespace vigia::io
