#include "io/chart_draw.hpp"

#include "io/text.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace vigia::io::chart {

namespace {
constexpr const char* kFont = "DejaVu Sans"; // as map_render.cpp and forest_plot.cpp
} // namespace

void check_side(const char* what, const char* field, int v) {
    if (v < kMinSide || v > kMaxSide)
        throw std::invalid_argument{fmt::format("{}: {} {} px is out of range (expected {} to {})",
                                                what, field, v, kMinSide, kMaxSide)};
}

// ---------------------------------------------------------------------------------------------
// Text (cairo's toy API, as forest_plot.cpp): invalid UTF-8 would put the context into an
// error state, so every string is repaired first; control characters have no glyph.

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double advance(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return std::max(e.x_advance, e.x_bearing + e.width);
}

LineBox line_box(cairo_t* cr, double size) {
    set_font(cr, size);
    cairo_font_extents_t e;
    cairo_font_extents(cr, &e);
    return {e.ascent, e.descent};
}

/// `s` at `size`, shrunk down to `min_factor` · size and then cut with "…" so that it is at
/// most `max_w` wide.
Text fitted(cairo_t* cr, std::string_view s, double size, double max_w, double min_factor,
            bool bold) {
    Text t{drawable_text(s), 0, 0, size, 0, false, bold, kInk};
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
    const std::string all = drawable_text(s);
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

} // namespace vigia::io::chart
