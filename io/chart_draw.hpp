#pragma once
/// \file
/// What the SVG charts of io/charts.cpp (line charts) and io/heat_map.cpp (heat maps) share:
/// their palettes, text measured and fitted with cairo's toy API, drawing primitives, "nice"
/// ticks, and the SVG document in memory with ids that depend only on its content.
/// Internal to io/: the public API is io/charts.hpp.

#include "analysis/error.hpp"
#include "io/cairo_util.hpp"
#include "io/charts.hpp"

#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::io::chart {

constexpr int kMinSide = 200, kMaxSide = 4000;

constexpr Rgba hex(unsigned v) {
    return {((v >> 16) & 0xFF) / 255.0, ((v >> 8) & 0xFF) / 255.0, (v & 0xFF) / 255.0, 1};
}

constexpr Rgba kInk = hex(0x222222), kGrey = hex(0x555555), kAxis = hex(0x444444),
               kGrid = hex(0xE5E5E5), kWhite = hex(0xFFFFFF), kMissing = hex(0xE6E6E6),
               kHatch = hex(0xA8A8A8);

/// matplotlib's viridis at 0, 1/8, …, 1 (entries 0, 32, 64, 96, 128, 159, 191, 223, 255 of its
/// 256-entry table).
constexpr std::array<Rgba, 9> kViridis{{{0.267004, 0.004874, 0.329415, 1},
                                        {0.278826, 0.175490, 0.483397, 1},
                                        {0.229739, 0.322361, 0.545706, 1},
                                        {0.172719, 0.448791, 0.557885, 1},
                                        {0.127568, 0.566949, 0.550556, 1},
                                        {0.153894, 0.680203, 0.504172, 1},
                                        {0.360741, 0.785964, 0.387814, 1},
                                        {0.668054, 0.861999, 0.196293, 1},
                                        {0.993248, 0.906157, 0.143936, 1}}};

/// ColorBrewer RdBu, 11 classes, reversed (blue first); the middle class (#f7f7f7) made white.
constexpr std::array<Rgba, 11> kRdBuReversed{
    hex(0x053061), hex(0x2166AC), hex(0x4393C3), hex(0x92C5DE), hex(0xD1E5F0), hex(0xFFFFFF),
    hex(0xFDDBC7), hex(0xF4A582), hex(0xD6604D), hex(0xB2182B), hex(0x67001F)};

/// Okabe & Ito (2008), in the order series get them; yellow last (weak on white).
constexpr std::array<Rgba, 8> kOkabeIto{hex(0x0072B2), hex(0xD55E00), hex(0x009E73), hex(0xE69F00),
                                        hex(0xCC79A7), hex(0x56B4E9), hex(0x000000), hex(0xF0E442)};

template <std::size_t N> Rgba interpolate(const std::array<Rgba, N>& anchors, double t) {
    t = std::clamp(t, 0.0, 1.0);
    const double pos = t * static_cast<double>(N - 1);
    const auto i = std::min(static_cast<std::size_t>(pos), N - 2);
    const double f = pos - static_cast<double>(i);
    const Rgba& a = anchors[i];
    const Rgba& b = anchors[i + 1];
    // (1 − f)·a + f·b, so that t = 1 gives the last anchor exactly.
    return {(1 - f) * a.r + f * b.r, (1 - f) * a.g + f * b.g, (1 - f) * a.b + f * b.b, 1};
}

/// Throws std::invalid_argument naming `what` and `field` for a side outside 200–4000 px.
void check_side(const char* what, const char* field, int v);

void set_font(cairo_t* cr, double size, bool bold = false);
/// The width `s` takes in the current font.
double advance(cairo_t* cr, const std::string& s);

/// The font's line box at `size`: ascent above the baseline, descent below.
struct LineBox {
    double ascent = 0, descent = 0;
    double height() const noexcept { return ascent + descent; }
};
LineBox line_box(cairo_t* cr, double size);

struct Text {
    std::string text;
    double x = 0, y = 0, size = 0; ///< left end of the baseline (its bottom end when vertical)
    double width = 0;              ///< advance at `size`
    bool vertical = false;         ///< turned 90° anticlockwise: reads upwards
    bool bold = false;
    Rgba colour = kInk;
};

/// `s` at `size`, shrunk down to `min_factor` · size and then cut with "…" so that it is at
/// most `max_w` wide.
Text fitted(cairo_t* cr, std::string_view s, double size, double max_w, double min_factor = 0.8,
            bool bold = false);
/// Greedy word wrap of `s` into lines at most `max_w` wide, at most `max_lines` (the last one
/// fitted, so it may end in "…").
std::vector<Text> wrapped(cairo_t* cr, std::string_view s, double size, double max_w,
                          std::size_t max_lines);

struct Scratch { // a context for measuring text before the SVG surface exists
    SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)};
    ContextPtr owner{cairo_create(surface.get())};
    Scratch() { unhinted_metrics(owner.get()); }
    cairo_t* get() const noexcept { return owner.get(); }
};

void set_colour(cairo_t* cr, const Rgba& c);
void line(cairo_t* cr, double x0, double y0, double x1, double y1, const Rgba& c, double w);
void show(cairo_t* cr, const Text& t);

/// Renames every id="…" of cairo's document (and its "#…" references) to `<prefix><n>`, n in
/// order of first appearance, where the prefix hashes the document with the new names. cairo
/// numbers its surfaces per process ("surface7" for the seventh), which would make the bytes
/// depend on what was drawn before, and numbers glyphs and clips per document, which would
/// collide between charts inlined in one page.
std::string stable_ids(const std::string& svg);

/// Draws with `draw(cr)` into a `w` × `h` px SVG document held in memory.
template <class Draw> std::string render_svg(const char* what, double w, double h, Draw draw) {
    std::string out;
    SurfacePtr surface{cairo_svg_surface_create_for_stream(
        [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &out, w, h)};
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw IoError{fmt::format("{}: cannot create a {} × {} px SVG surface: {}", what, w, h,
                                  cairo_status_to_string(cairo_surface_status(surface.get())))};
    cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
    // px, not cairo's default pt: width_px is meant as CSS pixels in the HTML report.
    cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PX);
    {
        ContextPtr cr{cairo_create(surface.get())};
        unhinted_metrics(cr.get());
        set_colour(cr.get(), kWhite);
        cairo_paint(cr.get());
        draw(cr.get());
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
            throw IoError{fmt::format("{}: drawing failed: {}", what,
                                      cairo_status_to_string(cairo_status(cr.get())))};
    }
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw IoError{fmt::format("{}: writing the SVG failed: {}", what,
                                  cairo_status_to_string(cairo_surface_status(surface.get())))};
    surface.reset();
    return stable_ids(out);
}

/// 1, 2, 2.5 or 5 × 10^k, the smallest not below `raw` (> 0).
double nice_step(double raw);
/// The multiples of `step` in [lo, hi] (up to a rounding), each computed as k · step.
std::vector<double> multiples(double lo, double hi, double step);
/// The fewest decimals (0–6) that show every tick within `tol_fraction` of the smallest gap
/// between neighbours.
int decimals_for(const std::vector<double>& ticks, double tol_fraction);
/// A [lo, hi] of no width made into one that shows the value.
void widen(double& lo, double& hi);

} // namespace vigia::io::chart
