#pragma once
/// \file
/// Writing a cairo image surface as a PNG file through stdio, so that a failure to open, to
/// write or to flush reports errno (cairo's own file writer says only "write error").

#include <cairo.h>

#include <filesystem>
#include <string>

namespace vigia::io {

/// Writes `surface` to `path` (created or replaced). Throws IoError "<where>: cannot create
/// <path>: <reason>" or "<where>: writing <path> failed: <reason>". A file left half-written by
/// a failure is not removed: the caller chose the name (a temporary one) and cleans up.
void write_png(cairo_surface_t* surface, const std::filesystem::path& path,
               const std::string& where);

} // namespace vigia::io
