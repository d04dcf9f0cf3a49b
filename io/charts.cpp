#include "io/charts.hpp"
#include "io/cairo_util.hpp"

#include "analysis/error.hpp"
#include "io/text.hpp"

#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string_view>

namespace vigia::io {

namespace {

constexpr const char* kFont = "DejaVu Sans"; // as map_render.cpp and forest_plot.cpp
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

void check_side(const char* what, const char* field, int v) {
    if (v < kMinSide || v > kMaxSide)
        throw std::invalid_argument{fmt::format("{}: {} {} px is out of range (expected {} to {})",
                                                what, field, v, kMinSide, kMaxSide)};
}

// ---------------------------------------------------------------------------------------------
// Text (cairo's toy API, as forest_plot.cpp): invalid UTF-8 would put the context into an
// error state, so every string is repaired first; control characters have no glyph.

std::string repaired(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const std::size_t bad = first_invalid_utf8(s);
        for (const char c : s.substr(0, bad))
            out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
        if (bad == std::string_view::npos) break;
        out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
        s.remove_prefix(bad + 1);
    }
    return out;
}

/// Unhinted metrics, so the layout measured on a scratch surface matches the SVG drawing.
void prepare(cairo_t* cr) {
    cairo_font_options_t* o = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, o);
    cairo_font_options_destroy(o);
}

void set_font(cairo_t* cr, double size, bool bold = false) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double advance(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return std::max(e.x_advance, e.x_bearing + e.width);
}

/// The font's line box at `size`: ascent above the baseline, descent below.
struct LineBox {
    double ascent = 0, descent = 0;
    double height() const noexcept { return ascent + descent; }
};

LineBox line_box(cairo_t* cr, double size) {
    set_font(cr, size);
    cairo_font_extents_t e;
    cairo_font_extents(cr, &e);
    return {e.ascent, e.descent};
}

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
            bool bold = false) {
    Text t{repaired(s), 0, 0, size, 0, false, bold, kInk};
    set_font(cr, size, bold);
    t.width = advance(cr, t.text);
    if (t.width <= max_w || t.width <= 0) return t;
    t.size = std::max(size * max_w / t.width, min_factor * size);
    set_font(cr, t.size, bold);
    t.width = advance(cr, t.text);
    if (t.width <= max_w) return t;
    while (!t.text.empty() && advance(cr, t.text + "…") > max_w) {
        std::size_t n = t.text.size() - 1; // drop one code point
        while (n > 0 && (static_cast<unsigned char>(t.text[n]) & 0xC0) == 0x80)
            --n;
        t.text.resize(n);
        while (!t.text.empty() && t.text.back() == ' ')
            t.text.pop_back();
    }
    t.text += "…";
    t.width = advance(cr, t.text);
    return t;
}

/// Greedy word wrap of `s` into lines at most `max_w` wide, at most `max_lines` (the last one
/// fitted, so it may end in "…").
std::vector<Text> wrapped(cairo_t* cr, std::string_view s, double size, double max_w,
                          std::size_t max_lines) {
    const std::string all = repaired(s);
    std::vector<std::string> words;
    for (std::size_t i = 0; i < all.size();) {
        const std::size_t j = std::min(all.find(' ', i), all.size());
        if (j > i) words.push_back(all.substr(i, j - i));
        i = j + 1;
    }
    std::vector<Text> lines;
    std::string line;
    set_font(cr, size);
    for (std::size_t w = 0; w < words.size(); ++w) {
        const std::string candidate = line.empty() ? words[w] : line + " " + words[w];
        if (line.empty() || advance(cr, candidate) <= max_w) {
            line = candidate;
            continue;
        }
        if (lines.size() + 1 == max_lines) { // the rest goes on the last line
            for (; w < words.size(); ++w)
                line += " " + words[w];
            break;
        }
        lines.push_back(fitted(cr, line, size, max_w));
        set_font(cr, size);
        line = words[w];
    }
    if (!line.empty()) lines.push_back(fitted(cr, line, size, max_w));
    return lines;
}

struct Scratch { // a context for measuring text before the SVG surface exists
    SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)};
    ContextPtr owner{cairo_create(surface.get())};
    Scratch() { prepare(owner.get()); }
    cairo_t* get() const noexcept { return owner.get(); }
};

// ---------------------------------------------------------------------------------------------
// Drawing primitives and the SVG document.

void set_colour(cairo_t* cr, const Rgba& c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1, const Rgba& c, double w) {
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    set_colour(cr, c);
    cairo_set_line_width(cr, w);
    cairo_stroke(cr);
}

void show(cairo_t* cr, const Text& t) {
    if (t.text.empty()) return;
    set_font(cr, t.size, t.bold);
    set_colour(cr, t.colour);
    cairo_save(cr);
    cairo_translate(cr, t.x, t.y);
    if (t.vertical) cairo_rotate(cr, -std::numbers::pi / 2);
    cairo_move_to(cr, 0, 0);
    cairo_show_text(cr, t.text.c_str());
    cairo_restore(cr);
}

std::uint64_t fnv1a(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool id_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/// Renames every id="…" of cairo's document (and its "#…" references) to `<prefix><n>`, n in
/// order of first appearance, where the prefix hashes the document with the new names. cairo
/// numbers its surfaces per process ("surface7" for the seventh), which would make the bytes
/// depend on what was drawn before, and numbers glyphs and clips per document, which would
/// collide between charts inlined in one page.
std::string stable_ids(const std::string& svg) {
    constexpr std::string_view kAttr = "id=\"";
    std::map<std::string, std::size_t, std::less<>> ids;
    for (std::size_t at = svg.find(kAttr); at != std::string::npos; at = svg.find(kAttr, at + 1)) {
        const std::size_t b = at + kAttr.size();
        const std::size_t e = svg.find('"', b);
        if (e == std::string::npos) break;
        ids.emplace(svg.substr(b, e - b), ids.size());
    }
    auto renamed = [&](std::string_view prefix) {
        std::string out;
        out.reserve(svg.size() + 8 * ids.size());
        for (std::size_t i = 0; i < svg.size();) {
            const bool attr = svg.compare(i, kAttr.size(), kAttr) == 0;
            const bool ref = svg[i] == '#';
            if (attr || ref) {
                const std::size_t b = i + (attr ? kAttr.size() : 1);
                std::size_t e = b;
                while (e < svg.size() && id_char(svg[e]))
                    ++e;
                const auto it = ids.find(std::string_view{svg}.substr(b, e - b));
                if (it != ids.end() && e < svg.size() && (svg[e] == '"' || svg[e] == ')')) {
                    out.append(svg, i, b - i);
                    out += prefix;
                    out += std::to_string(it->second);
                    i = e;
                    continue;
                }
            }
            out += svg[i++];
        }
        return out;
    };
    const std::string canonical = renamed("vigia-chart-");
    return renamed(fmt::format("c{:012x}-", fnv1a(canonical) >> 16));
}

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
        prepare(cr.get());
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

// ---------------------------------------------------------------------------------------------
// Ticks.

/// 1, 2, 2.5 or 5 × 10^k, the smallest not below `raw` (> 0).
double nice_step(double raw) {
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / p;
    const double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return m * p;
}

/// The multiples of `step` in [lo, hi] (up to a rounding), each computed as k · step.
std::vector<double> multiples(double lo, double hi, double step) {
    std::vector<double> t;
    const double k0 = std::ceil(lo / step - 1e-9), k1 = std::floor(hi / step + 1e-9);
    for (double k = k0; k <= k1 && t.size() < 1000; ++k) {
        const double v = k * step;
        t.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    }
    return t;
}

/// The fewest decimals (0–6) that show every tick within `tol_fraction` of the smallest gap
/// between neighbours.
int decimals_for(const std::vector<double>& ticks, double tol_fraction) {
    double gap = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < ticks.size(); ++i)
        gap = std::min(gap, std::abs(ticks[i] - ticks[i - 1]));
    if (!std::isfinite(gap) || gap <= 0) gap = 1;
    for (int d = 0; d < 6; ++d) {
        const double scale = std::pow(10.0, d);
        const bool ok = std::all_of(ticks.begin(), ticks.end(), [&](double t) {
            return std::abs(std::round(t * scale) / scale - t) <= tol_fraction * gap;
        });
        if (ok) return d;
    }
    return 6;
}

/// A [lo, hi] of no width made into one that shows the value.
void widen(double& lo, double& hi) {
    if (hi > lo) return;
    const double half = lo == 0 ? 0.5 : std::max(std::abs(lo) * 0.05, 1e-9);
    lo -= half;
    hi += half;
}

// ---------------------------------------------------------------------------------------------
// Line chart.

struct Axis {
    double lo = 0, hi = 1;
    std::vector<double> marks;  ///< tick marks, in data units
    std::vector<Text> labels;   ///< placed
    std::vector<double> values; ///< the y ticks (grid lines)
};

struct LegendItem {
    std::size_t series = 0;
    double x = 0, y = 0; ///< the swatch's left end, on its centre line
};

struct LineLayout {
    double W = 0, H = 0, u = 1;
    double left = 0, right = 0, top = 0, bottom = 0; ///< the plot
    double tick_len = 4, swatch_w = 22;
    Axis x, y;
    std::vector<Rgba> colours;
    std::vector<LegendItem> legend;
    std::vector<Text> texts; ///< titles, legend labels, the note
    double px(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); }
    double py(double v) const { return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

std::string tick_text(const LineChart& c, double v, int decimals, bool percent) {
    return percent ? c.format(v * 100, decimals) + "%" : c.format(v, decimals);
}

void check_line_chart(const LineChart& c) {
    constexpr const char* kWhat = "line chart";
    if (!c.format)
        throw std::invalid_argument{
            "line chart: no format callback (LineChart::format is empty; pass a NumberFormat)"};
    check_side(kWhat, "width_px", c.width_px);
    check_side(kWhat, "height_px", c.height_px);
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const ChartSeries& s = c.series[i];
        if (s.x.size() != s.y.size())
            throw std::invalid_argument{fmt::format(
                "line chart: series {} ('{}'): x has {} values but y has {} (expected the same "
                "length)",
                i + 1, s.label, s.x.size(), s.y.size())};
        if (!(s.width_px > 0 && s.width_px <= 20))
            throw std::invalid_argument{
                fmt::format("line chart: series {} ('{}'): width_px {} (expected more than 0, "
                            "at most 20)",
                            i + 1, s.label, s.width_px)};
    }
    if (c.x_ticks.size() != c.x_tick_labels.size())
        throw std::invalid_argument{
            fmt::format("line chart: {} x_ticks but {} x_tick_labels (expected one label per "
                        "tick, or both empty)",
                        c.x_ticks.size(), c.x_tick_labels.size())};
    for (std::size_t i = 0; i < c.x_ticks.size(); ++i)
        if (!std::isfinite(c.x_ticks[i]))
            throw std::invalid_argument{
                fmt::format("line chart: x_ticks[{}] ('{}') is {} (expected a finite position)", i,
                            c.x_tick_labels[i], c.x_ticks[i])};
    for (const auto& [name, r] :
         {std::pair{"x_range", &c.x_range}, std::pair{"y_range", &c.y_range}})
        if (*r && !(std::isfinite((**r)[0]) && std::isfinite((**r)[1]) && (**r)[0] < (**r)[1]))
            throw std::invalid_argument{fmt::format(
                "line chart: {} [{}, {}] (expected finite lo < hi)", name, (**r)[0], (**r)[1])};
}

/// The smallest k such that every k-th label (0, k, 2k, …) of `labels` centred at `centres`,
/// each kept within [min_x, max_x], clears its neighbour by `gap`.
std::size_t thinning(const std::vector<Text>& labels, const std::vector<double>& centres,
                     double min_x, double max_x, double gap) {
    auto left_end = [&](std::size_t i) {
        return std::clamp(centres[i] - labels[i].width / 2, min_x,
                          std::max(min_x, max_x - labels[i].width));
    };
    for (std::size_t k = 1; k < labels.size(); ++k) {
        bool ok = true;
        for (std::size_t i = k; i < labels.size() && ok; i += k)
            ok = left_end(i) >= left_end(i - k) + labels[i - k].width + gap;
        if (ok) return k;
    }
    return std::max<std::size_t>(labels.size(), 1);
}

LineLayout line_layout(const LineChart& c) {
    check_line_chart(c);
    const Scratch scratch;
    cairo_t* cr = scratch.get();
    LineLayout L;
    L.W = c.width_px;
    L.H = c.height_px;
    const double u = std::clamp(std::min(L.W / 720, L.H / 340), 0.75, 2.0);
    L.u = u;
    const double pad = std::round(8 * u), inner = L.W - 2 * pad;
    L.tick_len = std::round(4 * u);
    L.swatch_w = std::round(22 * u);
    const double tick_size = 11 * u, title_size = 12 * u, legend_size = 11 * u, note_size = 10 * u;
    const LineBox tick_box = line_box(cr, tick_size), title_box = line_box(cr, title_size),
                  note_box = line_box(cr, note_size);

    for (std::size_t i = 0; i < c.series.size(); ++i)
        L.colours.push_back(c.series[i].colour.a == 0 ? series_colour(i) : c.series[i].colour);

    // Data extent over the finite points.
    double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
    for (const auto& s : c.series)
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
                xmin = std::min(xmin, s.x[i]);
                xmax = std::max(xmax, s.x[i]);
                ymin = std::min(ymin, s.y[i]);
                ymax = std::max(ymax, s.y[i]);
            }
    const bool any_point = xmin <= xmax;

    // Vertical budget, top down: legend, plot, x tick labels, x title, note.
    double y = pad;
    std::vector<std::size_t> labelled;
    for (std::size_t i = 0; i < c.series.size(); ++i)
        if (!c.series[i].label.empty()) labelled.push_back(i);
    const double x_ticks_h = L.tick_len + 3 * u + tick_box.height();
    const double x_title_h = c.x_label.empty() ? 0 : 4 * u + title_box.height();
    const double note_h = c.note.empty() ? 0 : 5 * u + note_box.height();
    const double below = x_ticks_h + x_title_h + note_h + pad;
    const double min_plot_h = 40 * u;
    if (labelled.size() >= 2) {
        // Entries flow right to left into lines, right-aligned; smaller type if too tall.
        for (const double factor : {1.0, 0.85, 0.7}) {
            const double size = legend_size * factor;
            const LineBox box = line_box(cr, size);
            const double line_h = box.height() + 3 * u, entry_gap = 14 * u, sw_gap = 5 * u;
            std::vector<std::vector<std::pair<std::size_t, Text>>> lines(1);
            double used = 0;
            for (const std::size_t i : labelled) {
                Text t = fitted(cr, c.series[i].label, size, inner - L.swatch_w - sw_gap);
                const double w = L.swatch_w + sw_gap + t.width;
                if (!lines.back().empty() && used + entry_gap + w > inner) {
                    lines.emplace_back();
                    used = 0;
                }
                used += (lines.back().empty() ? 0 : entry_gap) + w;
                lines.back().emplace_back(i, std::move(t));
            }
            const double legend_h = static_cast<double>(lines.size()) * line_h + 6 * u;
            if (L.H - pad - legend_h - below - tick_box.height() < min_plot_h && factor > 0.7)
                continue;
            L.legend.clear();
            L.texts.clear();
            for (std::size_t k = 0; k < lines.size(); ++k) {
                double w = 0;
                for (const auto& [i, t] : lines[k])
                    w += (w > 0 ? entry_gap : 0) + L.swatch_w + sw_gap + t.width;
                double x = L.W - pad - w;
                const double cy = y + static_cast<double>(k) * line_h + line_h / 2;
                for (auto& [i, t] : lines[k]) {
                    L.legend.push_back({i, x, cy});
                    t.x = x + L.swatch_w + sw_gap;
                    t.y = cy + (box.ascent - box.descent) / 2;
                    x = t.x + t.width + entry_gap;
                    L.texts.push_back(t);
                }
            }
            y += legend_h;
            break;
        }
    }
    L.top = std::ceil(y + tick_box.height() / 2); // room for the top y tick label
    L.bottom = std::floor(L.H - below);
    if (L.bottom - L.top < min_plot_h)
        throw std::invalid_argument{fmt::format(
            "line chart: {} × {} px leaves {} px for the plot after the legend ({} entries) and "
            "labels (expected at least {}); make the chart taller or shorten the labels",
            c.width_px, c.height_px, std::max(0.0, L.bottom - L.top), L.legend.size(), min_plot_h)};

    // y: the range, nice ticks, their labels (which set the left margin).
    if (c.y_range) {
        L.y.lo = (*c.y_range)[0];
        L.y.hi = (*c.y_range)[1];
    } else {
        double lo = any_point ? ymin : 0, hi = any_point ? ymax : 1;
        if (c.y_from_zero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
        widen(lo, hi);
        L.y.lo = lo;
        L.y.hi = hi;
    }
    {
        const int target = std::clamp(static_cast<int>((L.bottom - L.top) / (50 * u)) + 1, 2, 8);
        const double step = nice_step((L.y.hi - L.y.lo) / (target - 1));
        if (!c.y_range) {
            L.y.lo = std::floor(L.y.lo / step + 1e-9) * step;
            L.y.hi = std::ceil(L.y.hi / step - 1e-9) * step;
        }
        L.y.values = multiples(L.y.lo, L.y.hi, step);
    }
    std::vector<double> shown;
    for (const double v : L.y.values)
        shown.push_back(c.y_percent ? v * 100 : v);
    const int y_decimals = decimals_for(shown, 1e-6);
    double y_label_w = 0;
    for (const double v : L.y.values) {
        Text t = fitted(cr, tick_text(c, v, y_decimals, c.y_percent), tick_size, 0.3 * L.W);
        y_label_w = std::max(y_label_w, t.width);
        L.y.labels.push_back(std::move(t));
    }
    L.y.marks = L.y.values;
    const double y_title_w = c.y_label.empty() ? 0 : title_box.height() + 5 * u;
    L.left = std::ceil(pad + y_title_w + y_label_w + 4 * u + L.tick_len);
    L.right = std::floor(L.W - pad - 4 * u);
    if (L.right - L.left < 40 * u)
        throw std::invalid_argument{
            fmt::format("line chart: {} px wide leaves {} px for the plot after the y labels "
                        "(expected at least {})",
                        c.width_px, std::max(0.0, L.right - L.left), 40 * u)};
    for (std::size_t i = 0; i < L.y.labels.size(); ++i) {
        Text& t = L.y.labels[i];
        t.x = L.left - L.tick_len - 4 * u - t.width;
        t.y = L.py(L.y.values[i]) + (tick_box.ascent - tick_box.descent) / 2;
    }

    // x: the range, then ticks (categorical or nice), thinned to labels that never overlap.
    if (c.x_range) {
        L.x.lo = (*c.x_range)[0];
        L.x.hi = (*c.x_range)[1];
    } else {
        double lo = xmin, hi = xmax; // ±∞ when there is no point
        for (const double t : c.x_ticks) {
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
        if (!(lo <= hi)) lo = 0, hi = 1;
        widen(lo, hi);
        L.x.lo = lo;
        L.x.hi = hi;
    }
    const double label_gap = 6 * u, min_x = pad, max_x = L.W - pad;
    const double x_label_max = L.right - L.left;
    auto place_x = [&](std::vector<double> positions, std::vector<std::string> texts) {
        std::vector<Text> labels;
        std::vector<double> centres;
        std::vector<double> kept;
        for (std::size_t i = 0; i < positions.size(); ++i) {
            if (positions[i] < L.x.lo - 1e-9 * (L.x.hi - L.x.lo) ||
                positions[i] > L.x.hi + 1e-9 * (L.x.hi - L.x.lo))
                continue;
            labels.push_back(fitted(cr, texts[i], tick_size, x_label_max));
            centres.push_back(L.px(positions[i]));
            kept.push_back(positions[i]);
        }
        const std::size_t k = thinning(labels, centres, min_x, max_x, label_gap);
        L.x.marks = kept;
        L.x.labels.clear();
        for (std::size_t i = 0; i < labels.size(); i += k) {
            Text t = labels[i];
            t.x = std::clamp(centres[i] - t.width / 2, min_x, std::max(min_x, max_x - t.width));
            t.y = L.bottom + L.tick_len + 3 * u + tick_box.ascent;
            L.x.labels.push_back(std::move(t));
        }
        return k;
    };
    if (!c.x_ticks.empty()) {
        place_x(c.x_ticks, c.x_tick_labels);
    } else {
        for (int target = std::clamp(static_cast<int>((L.right - L.left) / (90 * u)) + 1, 2, 10);
             target >= 2; --target) {
            const std::vector<double> ticks =
                multiples(L.x.lo, L.x.hi, nice_step((L.x.hi - L.x.lo) / (target - 1)));
            std::vector<double> in_units;
            for (const double v : ticks)
                in_units.push_back(c.x_percent ? v * 100 : v);
            const int d = decimals_for(in_units, 1e-6);
            std::vector<std::string> texts;
            for (const double v : ticks)
                texts.push_back(tick_text(c, v, d, c.x_percent));
            if (place_x(ticks, texts) == 1) break;
        }
    }

    // Titles and the note.
    if (!c.x_label.empty()) {
        Text t = fitted(cr, c.x_label, title_size, inner);
        t.x = std::clamp((L.left + L.right) / 2 - t.width / 2, pad, L.W - pad - t.width);
        t.y = L.bottom + x_ticks_h + 4 * u + title_box.ascent;
        L.texts.push_back(std::move(t));
    }
    if (!c.y_label.empty()) {
        Text t = fitted(cr, c.y_label, title_size, L.H - 2 * pad);
        t.vertical = true;
        t.x = pad + title_box.ascent;
        t.y = std::clamp((L.top + L.bottom) / 2 + t.width / 2, pad + t.width, L.H - pad);
        L.texts.push_back(std::move(t));
    }
    if (!c.note.empty()) {
        Text t = fitted(cr, c.note, note_size, inner);
        t.x = pad;
        t.y = L.H - pad - note_box.descent;
        t.colour = kGrey;
        L.texts.push_back(std::move(t));
    }
    return L;
}

void draw_series_path(cairo_t* cr, const LineLayout& L, const ChartSeries& s) {
    bool pen_down = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
            pen_down = false;
            continue;
        }
        const double x = L.px(s.x[i]), y = L.py(s.y[i]);
        if (pen_down) {
            cairo_line_to(cr, x, y);
        } else {
            cairo_move_to(cr, x, y);
            pen_down = true;
        }
    }
}

void stroke_style(cairo_t* cr, const ChartSeries& s, const Rgba& colour, double u) {
    set_colour(cr, colour);
    cairo_set_line_width(cr, s.width_px);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (s.dashed) {
        const double k = std::max(1.0, s.width_px / 2) * u;
        const double dash[] = {6 * k, 4 * k};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    } else {
        cairo_set_dash(cr, nullptr, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    }
}

double marker_radius(const ChartSeries& s, double u) {
    return std::max(2.5 * u, 1.25 * s.width_px);
}

void draw_line_chart(cairo_t* cr, const LineChart& c, const LineLayout& L) {
    const double u = L.u;
    // Grid, then the axes (crisp: 1 px lines on pixel centres).
    for (const double v : L.y.values) {
        const double y = std::round(L.py(v)) + 0.5;
        line(cr, L.left, y, L.right, y, kGrid, 1);
    }
    line(cr, L.left - 0.5, L.top, L.left - 0.5, L.bottom + 0.5, kAxis, 1);
    line(cr, L.left - 0.5, L.bottom + 0.5, L.right, L.bottom + 0.5, kAxis, 1);
    for (const double v : L.y.marks) {
        const double y = std::round(L.py(v)) + 0.5;
        line(cr, L.left - 0.5 - L.tick_len, y, L.left - 0.5, y, kAxis, 1);
    }
    for (const double v : L.x.marks) {
        const double x = std::round(L.px(v)) + 0.5;
        line(cr, x, L.bottom + 0.5, x, L.bottom + 0.5 + L.tick_len, kAxis, 1);
    }

    // Series, clipped to the plot widened by the largest marker.
    double reach = 0;
    for (const auto& s : c.series)
        reach = std::max(reach, std::max(s.width_px, s.markers ? marker_radius(s, u) : 0.0));
    cairo_save(cr);
    cairo_rectangle(cr, L.left - reach, L.top - reach, L.right - L.left + 2 * reach,
                    L.bottom - L.top + 2 * reach);
    cairo_clip(cr);
    for (std::size_t k = 0; k < c.series.size(); ++k) {
        const ChartSeries& s = c.series[k];
        stroke_style(cr, s, L.colours[k], u);
        draw_series_path(cr, L, s);
        cairo_stroke(cr);
        // A point with gaps on both sides would draw nothing: give it a dot.
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            auto finite = [&](std::size_t j) {
                return j < s.x.size() && std::isfinite(s.x[j]) && std::isfinite(s.y[j]);
            };
            if (!finite(i)) continue;
            const bool isolated = (i == 0 || !finite(i - 1)) && !finite(i + 1);
            if (!s.markers && !isolated) continue;
            const double r = s.markers ? marker_radius(s, u) : s.width_px;
            cairo_new_sub_path(cr);
            cairo_arc(cr, L.px(s.x[i]), L.py(s.y[i]), r, 0, 2 * std::numbers::pi);
        }
        set_colour(cr, L.colours[k]);
        cairo_fill(cr);
    }
    cairo_restore(cr);

    // Legend swatches: a line segment in the series' style (a marker at its middle).
    for (const LegendItem& item : L.legend) {
        const ChartSeries& s = c.series[item.series];
        stroke_style(cr, s, L.colours[item.series], u);
        cairo_set_line_width(cr, std::min(s.width_px, 6.0));
        cairo_move_to(cr, item.x, item.y);
        cairo_line_to(cr, item.x + L.swatch_w, item.y);
        cairo_stroke(cr);
        if (s.markers) {
            cairo_arc(cr, item.x + L.swatch_w / 2, item.y, std::min(marker_radius(s, u), 5 * u), 0,
                      2 * std::numbers::pi);
            cairo_fill(cr);
        }
    }
    cairo_set_dash(cr, nullptr, 0, 0);

    for (const auto* list : {&L.y.labels, &L.x.labels, &L.texts})
        for (const Text& t : *list)
            show(cr, t);
}

// ---------------------------------------------------------------------------------------------
// Heat map.

/// The colour scale of a heat map: value → position t in [0, 1] along the legend bar.
struct ColourScale {
    bool diverging = false, log = false;
    double lo = 0, hi = 1;    ///< sequential: the value range
    double centre = 1, d = 1; ///< diverging: the half-extent, in log(v / centre) or v − centre

    double t(double v) const {
        if (!diverging) return std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
        const double s =
            log ? (v > 0 ? std::log(v / centre) : -std::numeric_limits<double>::infinity())
                : v - centre;
        return 0.5 + 0.5 * std::clamp(s / d, -1.0, 1.0);
    }
    Rgba colour_at(double t) const {
        return diverging ? interpolate(kRdBuReversed, t) : interpolate(kViridis, t);
    }
    Rgba colour(double v) const { return std::isfinite(v) ? colour_at(t(v)) : kMissing; }
    /// The value at t = 0, 1/4, 1/2, 3/4, 1.
    std::array<double, 5> ticks() const {
        std::array<double, 5> out{};
        for (std::size_t k = 0; k < 5; ++k) {
            const double f = static_cast<double>(k) / 4;
            if (!diverging)
                out[k] = k == 4 ? hi : lo + f * (hi - lo);
            else {
                const double s = d * (2 * f - 1);
                out[k] = log ? centre * std::exp(s) : centre + s;
            }
        }
        return out;
    }
};

ColourScale colour_scale(const HeatMap& m) {
    ColourScale s;
    s.diverging = m.scale == HeatMap::Scale::diverging;
    s.log = s.diverging && m.log_diverging;
    s.centre = m.centre;
    if (s.diverging && !std::isfinite(m.centre))
        throw std::invalid_argument{
            fmt::format("heat map: centre {} (expected a finite number)", m.centre)};
    if (s.log && !(m.centre > 0))
        throw std::invalid_argument{
            fmt::format("heat map: centre {} with log_diverging (expected a number > 0, or set "
                        "log_diverging = false)",
                        m.centre)};
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, d = 0;
    for (const double v : m.values) {
        if (!std::isfinite(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        if (s.diverging && (!s.log || v > 0))
            d = std::max(d, std::abs(s.log ? std::log(v / s.centre) : v - s.centre));
    }
    if (!(lo <= hi)) lo = 0, hi = 1; // no finite value
    if (lo == hi) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
        if (lo == hi) hi = 1;
    }
    s.lo = lo;
    s.hi = hi;
    s.d = d > 0 ? d : (s.log ? std::log(2.0) : std::max(std::abs(s.centre) / 2, 1.0));
    return s;
}

void check_heat_map(const HeatMap& m) {
    if (!m.format)
        throw std::invalid_argument{
            "heat map: no format callback (HeatMap::format is empty; pass a NumberFormat)"};
    check_side("heat map", "width_px", m.width_px);
    if (m.cell_px < 6 || m.cell_px > 400)
        throw std::invalid_argument{
            fmt::format("heat map: cell_px {} is out of range (expected 6 to 400)", m.cell_px)};
    const std::size_t rows = m.row_labels.size(), cols = m.column_labels.size();
    if (rows == 0 || cols == 0)
        throw std::invalid_argument{fmt::format(
            "heat map: {} rows × {} columns (expected at least one of each; pass row_labels "
            "and column_labels)",
            rows, cols)};
    if (m.values.size() != rows * cols)
        throw std::invalid_argument{
            fmt::format("heat map: {} rows × {} columns need {} values, got {} (values are "
                        "row-major)",
                        rows, cols, rows * cols, m.values.size())};
    if (!m.cell_text.empty() && m.cell_text.size() != rows * cols)
        throw std::invalid_argument{
            fmt::format("heat map: cell_text has {} entries (expected 0 or {}, one per value)",
                        m.cell_text.size(), rows * cols)};
}

/// WCAG relative luminance.
double luminance(const Rgba& c) {
    auto lin = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

Rgba contrasting_text(const Rgba& fill) {
    const double l = luminance(fill);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? hex(0x000000) : hex(0xFFFFFF);
}

struct HeatLayout {
    double W = 0, H = 0, u = 1;
    std::size_t rows = 0, cols = 0;
    double grid_x = 0, grid_y = 0, col_w = 0, row_h = 0;
    ColourScale scale;
    bool legend_right = true;
    double bar_x = 0, bar_y = 0, bar_len = 0, bar_thick = 0; ///< bar_len along the scale
    bool any_missing = false;
    double miss_x = 0, miss_y = 0, miss_side = 0; ///< the missing swatch (top left)
    std::vector<Text> texts;
    double grid_w() const noexcept { return col_w * static_cast<double>(cols); }
    double grid_h() const noexcept { return row_h * static_cast<double>(rows); }
};

HeatLayout heat_layout(const HeatMap& m) {
    check_heat_map(m);
    const Scratch scratch;
    cairo_t* cr = scratch.get();
    HeatLayout L;
    L.W = m.width_px;
    L.rows = m.row_labels.size();
    L.cols = m.column_labels.size();
    L.scale = colour_scale(m);
    L.row_h = m.cell_px;
    L.any_missing =
        std::any_of(m.values.begin(), m.values.end(), [](double v) { return !std::isfinite(v); });
    const double u = std::clamp(L.W / 720, 0.75, 2.0);
    L.u = u;
    const double pad = std::round(8 * u), gap = 6 * u;
    const double label_size = 11 * u, title_size = 12 * u, legend_size = 10.5 * u;
    const LineBox label_box = line_box(cr, label_size), title_box = line_box(cr, title_size),
                  legend_box = line_box(cr, legend_size);
    L.bar_thick = std::round(12 * u);

    // Legend ticks (their widths set the legend column).
    const auto tick_values = L.scale.ticks();
    const std::vector<double> tv(tick_values.begin(), tick_values.end());
    const int decimals = decimals_for(tv, 0.05);
    std::vector<Text> tick_labels;
    double tick_w = 0;
    for (const double v : tv) {
        tick_labels.push_back(fitted(cr, m.format(v, decimals), legend_size, 0.2 * L.W));
        tick_w = std::max(tick_w, tick_labels.back().width);
    }
    const double grid_h = L.grid_h();
    L.legend_right = grid_h >= 5 * 1.5 * legend_box.height();

    // Left: the y title and the row labels (as wide as the widest, up to 45% of the width).
    const double y_title_w = m.y_label.empty() ? 0 : title_box.height() + gap;
    const double row_size = std::min(label_size, std::max(7.0, L.row_h / 1.25));
    const LineBox row_box = line_box(cr, row_size);
    std::vector<Text> row_texts;
    double row_w = 0;
    for (const auto& s : m.row_labels) {
        row_texts.push_back(fitted(cr, s, row_size, 0.45 * L.W));
        row_w = std::max(row_w, row_texts.back().width);
    }
    L.grid_x = std::ceil(pad + y_title_w + row_w + (row_w > 0 ? gap : 0));

    // Right: the legend column, when there.
    double legend_w = 0;
    std::vector<Text> title_lines;
    const double sw_gap = 5 * u;
    if (L.legend_right) {
        const double bar_part = L.bar_thick + 4 * u + tick_w;
        double want = bar_part;
        set_font(cr, legend_size);
        if (!m.legend_title.empty()) want = std::max(want, advance(cr, repaired(m.legend_title)));
        if (L.any_missing)
            want = std::max(want, L.bar_thick + sw_gap + advance(cr, repaired(m.missing_label)));
        legend_w = std::ceil(std::clamp(want, bar_part, std::max(bar_part, 0.22 * L.W)));
    }
    const double right_edge = L.W - pad - (L.legend_right ? legend_w + 16 * u : 0);
    const double min_grid_w = static_cast<double>(L.cols) * 2;
    if (right_edge - L.grid_x < min_grid_w)
        throw std::invalid_argument{fmt::format(
            "heat map: {} px wide leaves {} px for {} columns after the row labels and legend "
            "(expected at least {}); make it wider or shorten the labels",
            m.width_px, std::max(0.0, right_edge - L.grid_x), L.cols, min_grid_w)};
    L.col_w = (right_edge - L.grid_x) / static_cast<double>(L.cols);
    L.grid_y = pad;
    const double grid_bottom = L.grid_y + grid_h;

    // Row labels, thinned when rows are lower than a line.
    const std::size_t row_stride =
        static_cast<std::size_t>(std::max(1.0, std::ceil((row_box.height() + 1) / L.row_h)));
    for (std::size_t i = 0; i < L.rows; i += row_stride) {
        Text t = row_texts[i];
        t.x = L.grid_x - gap - t.width;
        t.y = L.grid_y + (static_cast<double>(i) + 0.5) * L.row_h +
              (row_box.ascent - row_box.descent) / 2;
        L.texts.push_back(std::move(t));
    }

    // Column labels: horizontal when each fits its column, else vertical (thinned when the
    // columns are narrower than a line).
    double y = grid_bottom + 4 * u;
    {
        std::vector<Text> col_texts;
        double widest = 0;
        for (const auto& s : m.column_labels) {
            col_texts.push_back(fitted(cr, s, label_size, std::max(150 * u, L.col_w)));
            widest = std::max(widest, col_texts.back().width);
        }
        const bool horizontal = widest + 3 * u <= L.col_w;
        const std::size_t stride =
            horizontal ? 1
                       : static_cast<std::size_t>(
                             std::max(1.0, std::ceil((label_box.height() + 1) / L.col_w)));
        for (std::size_t j = 0; j < L.cols; j += stride) {
            Text t = col_texts[j];
            const double cx = L.grid_x + (static_cast<double>(j) + 0.5) * L.col_w;
            if (horizontal) {
                t.x = cx - t.width / 2;
                t.y = y + label_box.ascent;
            } else {
                t.vertical = true;
                t.x = cx + (label_box.ascent - label_box.descent) / 2;
                t.y = y + t.width;
            }
            L.texts.push_back(std::move(t));
        }
        y += horizontal ? label_box.height() : widest;
    }
    if (!m.x_label.empty()) {
        Text t = fitted(cr, m.x_label, title_size, L.W - 2 * pad);
        t.x = std::clamp(L.grid_x + L.grid_w() / 2 - t.width / 2, pad, L.W - pad - t.width);
        t.y = y + 5 * u + title_box.ascent;
        y = t.y + title_box.descent;
        L.texts.push_back(std::move(t));
    }
    if (!m.y_label.empty()) {
        Text t = fitted(cr, m.y_label, title_size, std::max(grid_h, 60 * u));
        t.vertical = true;
        t.x = pad + title_box.ascent;
        t.y = std::max(L.grid_y + grid_h / 2 + t.width / 2, pad + t.width);
        L.texts.push_back(std::move(t));
        y = std::max(y, t.y);
    }

    // The legend.
    double bottom = y;
    auto place_missing = [&](double x, double top) {
        L.miss_x = x;
        L.miss_y = top;
        L.miss_side = L.bar_thick;
        Text t = fitted(cr, m.missing_label, legend_size,
                        std::max(20 * u, L.W - pad - (x + L.bar_thick + sw_gap)));
        t.x = x + L.bar_thick + sw_gap;
        t.y = top + L.bar_thick / 2 + (legend_box.ascent - legend_box.descent) / 2;
        L.texts.push_back(std::move(t));
        return top + std::max(L.bar_thick, legend_box.height());
    };
    if (L.legend_right) {
        const double x0 = L.W - pad - legend_w;
        double ly = L.grid_y;
        if (!m.legend_title.empty())
            for (Text& t : wrapped(cr, m.legend_title, legend_size, legend_w, 3)) {
                t.x = x0;
                t.y = ly + legend_box.ascent;
                ly += legend_box.height();
                L.texts.push_back(std::move(t));
            }
        ly += legend_box.height() / 2 + 2 * u; // the top tick label's upper half
        const double missing_h = L.any_missing ? legend_box.height() + 8 * u : 0;
        L.bar_x = x0;
        L.bar_y = ly;
        // At least 4 label lines between the end ticks, so the 5 labels never touch.
        const double min_len = std::max(60 * u, 4 * (legend_box.height() + 2 * u));
        L.bar_len = std::clamp(grid_bottom - ly - missing_h - legend_box.height() / 2, min_len,
                               std::max(min_len, 240 * u));
        for (std::size_t k = 0; k < 5; ++k) {
            Text t = tick_labels[k];
            t.x = x0 + L.bar_thick + 4 * u;
            // k = 0 (the low end) at the bottom.
            t.y = ly + L.bar_len * (1 - static_cast<double>(k) / 4) +
                  (legend_box.ascent - legend_box.descent) / 2;
            L.texts.push_back(std::move(t));
        }
        ly += L.bar_len + legend_box.height() / 2;
        if (L.any_missing) ly = place_missing(x0, ly + 8 * u);
        bottom = std::max(bottom, ly);
    } else {
        double ly = y + 10 * u;
        const double half_first = tick_labels.front().width / 2,
                     half_last = tick_labels.back().width / 2;
        L.bar_x = std::max(std::min(L.grid_x, L.W - pad - 240 * u), pad + half_first);
        L.bar_len = std::min(240 * u, L.W - pad - half_last - L.bar_x);
        if (!m.legend_title.empty()) { // over the bar, from its left end
            Text t = fitted(cr, m.legend_title, legend_size, L.W - 2 * pad);
            t.x = std::clamp(L.bar_x, pad, std::max(pad, L.W - pad - t.width));
            t.y = ly + legend_box.ascent;
            ly += legend_box.height() + 3 * u;
            L.texts.push_back(std::move(t));
        }
        L.bar_y = ly;
        for (std::size_t k = 0; k < 5; ++k) {
            Text t = tick_labels[k];
            t.x = L.bar_x + L.bar_len * static_cast<double>(k) / 4 - t.width / 2;
            t.y = ly + L.bar_thick + 3 * u + legend_box.ascent;
            L.texts.push_back(std::move(t));
        }
        ly += L.bar_thick + 3 * u + legend_box.height();
        if (L.any_missing) {
            const double mx = L.bar_x + L.bar_len + half_last + 16 * u;
            set_font(cr, legend_size);
            const double need = L.bar_thick + sw_gap + advance(cr, repaired(m.missing_label));
            if (mx + need <= L.W - pad)
                place_missing(mx, L.bar_y);
            else
                ly = place_missing(L.bar_x, ly + 6 * u);
        }
        bottom = ly;
    }

    // Cell texts.
    if (!m.cell_text.empty()) {
        const double size = std::min(10.5 * u, 0.5 * L.row_h);
        const LineBox box = line_box(cr, size);
        const double min_factor = std::min(1.0, 6.0 / size);
        for (std::size_t i = 0; i < L.rows; ++i)
            for (std::size_t j = 0; j < L.cols; ++j) {
                const std::string& s = m.cell_text[i * L.cols + j];
                if (s.empty()) continue;
                Text t = fitted(cr, s, size, std::max(1.0, L.col_w - 3 * u), min_factor);
                const LineBox b = t.size == size ? box : line_box(cr, t.size);
                t.x = L.grid_x + (static_cast<double>(j) + 0.5) * L.col_w - t.width / 2;
                t.y = L.grid_y + (static_cast<double>(i) + 0.5) * L.row_h +
                      (b.ascent - b.descent) / 2;
                t.colour = contrasting_text(L.scale.colour(m.values[i * L.cols + j]));
                L.texts.push_back(std::move(t));
            }
    }

    L.H = std::ceil(bottom + pad);
    if (L.H > kMaxSide)
        throw std::invalid_argument{
            fmt::format("heat map: {} rows of {} px make an image {} px high (at most {}); use "
                        "a smaller cell_px",
                        L.rows, m.cell_px, L.H, kMaxSide)};
    return L;
}

/// Light grey with a diagonal hatch, inside the current path (consumed).
void fill_missing(cairo_t* cr, double x0, double y0, double w, double h, double u) {
    cairo_save(cr);
    cairo_clip_preserve(cr);
    set_colour(cr, kMissing);
    cairo_fill(cr);
    const double step = 5 * u;
    for (double c = -h; c < w; c += step) {
        cairo_move_to(cr, x0 + c, y0 + h);
        cairo_line_to(cr, x0 + c + h, y0);
    }
    set_colour(cr, kHatch);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void draw_heat_map(cairo_t* cr, const HeatMap& m, const HeatLayout& L) {
    const double u = L.u;
    // Cells: the coloured ones, then every missing one in one clipped hatch.
    for (std::size_t i = 0; i < L.rows; ++i)
        for (std::size_t j = 0; j < L.cols; ++j) {
            const double v = m.values[i * L.cols + j];
            if (!std::isfinite(v)) continue;
            cairo_rectangle(cr, L.grid_x + static_cast<double>(j) * L.col_w,
                            L.grid_y + static_cast<double>(i) * L.row_h, L.col_w, L.row_h);
            set_colour(cr, L.scale.colour(v));
            cairo_fill(cr);
        }
    if (L.any_missing) {
        for (std::size_t i = 0; i < L.rows; ++i)
            for (std::size_t j = 0; j < L.cols; ++j)
                if (!std::isfinite(m.values[i * L.cols + j]))
                    cairo_rectangle(cr, L.grid_x + static_cast<double>(j) * L.col_w,
                                    L.grid_y + static_cast<double>(i) * L.row_h, L.col_w, L.row_h);
        fill_missing(cr, L.grid_x, L.grid_y, L.grid_w(), L.grid_h(), u);
    }
    // Thin white rules between cells, when cells are large enough to spare them.
    if (L.col_w >= 8 && L.row_h >= 8) {
        for (std::size_t j = 1; j < L.cols; ++j) {
            const double x = L.grid_x + static_cast<double>(j) * L.col_w;
            cairo_move_to(cr, x, L.grid_y);
            cairo_line_to(cr, x, L.grid_y + L.grid_h());
        }
        for (std::size_t i = 1; i < L.rows; ++i) {
            const double y = L.grid_y + static_cast<double>(i) * L.row_h;
            cairo_move_to(cr, L.grid_x, y);
            cairo_line_to(cr, L.grid_x + L.grid_w(), y);
        }
        set_colour(cr, kWhite);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }

    // The colour bar: a gradient through the palette's anchors (linear in RGB between them,
    // as heat_colour), low end at the bottom (right legend) or the left (below).
    const double x0 = L.bar_x, y0 = L.bar_y;
    const double bw = L.legend_right ? L.bar_thick : L.bar_len;
    const double bh = L.legend_right ? L.bar_len : L.bar_thick;
    cairo_pattern_t* g = L.legend_right ? cairo_pattern_create_linear(0, y0 + bh, 0, y0)
                                        : cairo_pattern_create_linear(x0, 0, x0 + bw, 0);
    const std::size_t n = L.scale.diverging ? kRdBuReversed.size() : kViridis.size();
    for (std::size_t k = 0; k < n; ++k) {
        const double t = static_cast<double>(k) / static_cast<double>(n - 1);
        const Rgba c = L.scale.colour_at(t);
        cairo_pattern_add_color_stop_rgb(g, t, c.r, c.g, c.b);
    }
    cairo_rectangle(cr, x0, y0, bw, bh);
    cairo_set_source(cr, g);
    cairo_fill(cr);
    cairo_pattern_destroy(g);
    for (std::size_t k = 0; k < 5; ++k) { // tick marks across the bar's outer edge
        const double f = static_cast<double>(k) / 4;
        if (L.legend_right) {
            const double y = y0 + bh * (1 - f);
            line(cr, x0 + bw - 3 * u, y, x0 + bw + 2 * u, y, kInk, 1);
        } else {
            const double x = x0 + bw * f;
            line(cr, x, y0 + bh - 3 * u, x, y0 + bh + 2 * u, kInk, 1);
        }
    }
    if (L.any_missing) {
        cairo_rectangle(cr, L.miss_x, L.miss_y, L.miss_side, L.miss_side);
        fill_missing(cr, L.miss_x, L.miss_y, L.miss_side, L.miss_side, u);
    }

    for (const Text& t : L.texts)
        show(cr, t);
}

} // namespace

Rgba series_colour(std::size_t index) noexcept {
    return kOkabeIto[index % kOkabeIto.size()];
}

std::string line_chart_svg(const LineChart& chart) {
    const LineLayout layout = line_layout(chart);
    return render_svg("line chart", layout.W, layout.H,
                      [&](cairo_t* cr) { draw_line_chart(cr, chart, layout); });
}

std::string heat_map_svg(const HeatMap& map) {
    const HeatLayout layout = heat_layout(map);
    return render_svg("heat map", layout.W, layout.H,
                      [&](cairo_t* cr) { draw_heat_map(cr, map, layout); });
}

Rgba heat_colour(const HeatMap& map, double value) {
    return colour_scale(map).colour(value);
}

} // namespace vigia::io
