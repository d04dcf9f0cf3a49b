#pragma once
/// \file
/// What the cairo renderers (maps, forest plots) share: RAII owners of cairo's surfaces and
/// contexts, and writing an image surface as a PNG file through stdio, so that a failure to
/// open, to write or to flush reports errno (cairo's own file writer says only "write error").

#include <cairo.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace vigia::io {

struct CairoSurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct CairoContextDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, CairoContextDeleter>;

/// `s` as cairo's toy text API can draw it: invalid UTF-8 (which would put the context into an
/// error state) replaced by U+FFFD, control characters by spaces.
std::string drawable_text(std::string_view s);

/// Unhinted font metrics, so that a layout measured on a scratch surface matches the drawing.
void unhinted_metrics(cairo_t* cr);

/// Writes `surface` to `path` (created or replaced). Throws IoError "<where>: cannot create
/// <path>: <reason>" or "<where>: writing <path> failed: <reason>". A file left half-written by
/// a failure is not removed: the caller chose the name (a temporary one) and cleans up.
void write_png(cairo_surface_t* surface, const std::filesystem::path& path,
               const std::string& where);

} // namespace vigia::io
