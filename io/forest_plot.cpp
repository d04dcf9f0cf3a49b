#include "io/forest_plot.hpp"
#include "io/cairo_util.hpp"

#include "analysis/error.hpp"
#include "io/text.hpp"

#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace vigia::io {

namespace fs = std::filesystem;

namespace {

struct Colour {
    double r = 0, g = 0, b = 0, a = 1;
};

constexpr const char* kFont = "DejaVu Sans"; // as map_render.cpp: present on Debian 12
constexpr int kMinWidth = 300, kMaxWidth = 16000, kCairoMaxSide = 32767;
constexpr std::size_t kMaxTicks = 9;
constexpr double kMaxRatio = 1e300; // and 1/kMaxRatio: keeps every tick a normal double
constexpr Colour kInk{0.13, 0.13, 0.13}, kGrey{0.38, 0.38, 0.38}, kRule{0.62, 0.62, 0.62},
    kNull{0.35, 0.35, 0.35}, kBox{0.18, 0.34, 0.52}, kDiamond{0.70, 0.15, 0.15}, kWhite{1, 1, 1};

// ---------------------------------------------------------------------------------------------
// Validation and the axis.

void check_row(const ForestRow& row, const std::string& which) {
    auto bad = [&](const char* what, double v) {
        throw std::invalid_argument{fmt::format(
            "forest plot: {} ('{}'): {} = {} (expected a positive finite number, {:g} to {:g})",
            which, row.label, what, v, 1 / kMaxRatio, kMaxRatio)};
    };
    for (const auto& [what, v] :
         {std::pair{"estimate", row.estimate}, std::pair{"ci_low", row.ci_low},
          std::pair{"ci_high", row.ci_high}, std::pair{"weight", row.weight}})
        if (!(v >= 1 / kMaxRatio && v <= kMaxRatio)) bad(what, v); // NaN too
    if (row.ci_low > row.ci_high)
        throw std::invalid_argument{
            fmt::format("forest plot: {} ('{}'): ci_low {} > ci_high {} (expected ci_low ≤ "
                        "ci_high)",
                        which, row.label, row.ci_low, row.ci_high)};
}

void check_plot(const ForestPlot& plot) {
    for (std::size_t i = 0; i < plot.rows.size(); ++i)
        check_row(plot.rows[i], fmt::format("row {}", i + 1));
    if (plot.show_pooled) check_row(plot.pooled, "pooled row");
}

/// Ticks of one ladder from index `i_lo` to `i_hi`, with at least one tick either side of 1
/// (index 0), so the null line never sits on the frame.
std::vector<double> ladder_ticks(long i_lo, long i_hi, double (*value)(long)) {
    i_lo = std::min(i_lo, -1L);
    i_hi = std::max(i_hi, 1L);
    std::vector<double> t;
    if (i_hi - i_lo + 1 > static_cast<long>(kMaxTicks)) return t;
    for (long i = i_lo; i <= i_hi; ++i)
        t.push_back(value(i));
    return t;
}

/// The largest index whose value is ≤ `a` (up to a rounding) and the smallest whose value is
/// ≥ `b`, on a ladder whose values increase with the index and where value(0) = 1.
template <class F> std::pair<long, long> bracket(double a, double b, F value, long guess_lo) {
    constexpr double tol = 1e-9;
    long lo = guess_lo;
    while (value(lo) > a * (1 + tol))
        --lo;
    while (value(lo + 1) <= a * (1 + tol))
        ++lo;
    long hi = lo;
    while (value(hi) < b * (1 - tol))
        ++hi;
    return {lo, hi};
}

/// m · 10^e, rounded once (dividing by an exact power of ten), so 5 · 10^-2 is the double 0.05.
double decade(double m, long e) {
    return e >= 0 ? m * std::pow(10.0, static_cast<double>(e))
                  : m / std::pow(10.0, static_cast<double>(-e));
}

double fine_value(long i) { // 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2 (i = -3 … 3)
    static constexpr std::array<double, 7> v{0.5, 0.67, 0.8, 1, 1.25, 1.5, 2};
    return v[static_cast<std::size_t>(std::clamp(i, -3L, 3L) + 3)];
}
double pow2_value(long i) {
    return std::ldexp(1.0, static_cast<int>(i));
}
double one_two_five_value(long i) { // …, 0.5, 1, 2, 5, 10, …
    static constexpr std::array<double, 3> m{1, 2, 5};
    const long e = i >= 0 ? i / 3 : -((-i + 2) / 3);
    return decade(m[static_cast<std::size_t>(i - 3 * e)], e);
}

std::string tick_label(double t) {
    return fmt::format("{:g}", t);
}

// ---------------------------------------------------------------------------------------------
// Text (cairo's toy API, as map_render.cpp): invalid UTF-8 would put the context into an error
// state, so every string is repaired first; control characters have no glyph.

void set_font(cairo_t* cr, double size, bool bold, bool italic = false) {
    cairo_select_font_face(cr, kFont, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double advance(cairo_t* cr, const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return e.x_advance;
}

struct TextItem {
    std::string text;
    double x = 0, y = 0, size = 0; ///< left end of the baseline
    bool bold = false, italic = false;
    Colour colour = kInk;
};

/// `s` at `size`, shrunk down to 80% and then cut with "…" so that it is at most `max_w` wide.
TextItem fitted(cairo_t* cr, const std::string& s, double size, bool bold, bool italic,
                double max_w) {
    TextItem t{drawable_text(s), 0, 0, size, bold, italic, kInk};
    set_font(cr, size, bold, italic);
    const double w = advance(cr, t.text);
    if (w <= max_w || w <= 0) return t;
    t.size = std::max(size * max_w / w, 0.8 * size);
    set_font(cr, t.size, bold, italic);
    if (advance(cr, t.text) <= max_w) return t;
    while (!t.text.empty() && advance(cr, t.text + "…") > max_w) {
        std::size_t n = t.text.size() - 1; // drop one code point
        while (n > 0 && (static_cast<unsigned char>(t.text[n]) & 0xC0) == 0x80)
            --n;
        t.text.resize(n);
        while (!t.text.empty() && t.text.back() == ' ')
            t.text.pop_back();
    }
    t.text += "…";
    return t;
}

// ---------------------------------------------------------------------------------------------
// Layout: everything placed before the surface exists (its height depends on it).

struct Layout {
    ForestLayout geo;
    double u = 1; ///< size unit: 1 at 1000 px wide
    double row_h = 0, rows_top = 0, rule_y = 0, margin = 0;
    std::vector<double> box_side; ///< per row
    std::vector<TextItem> texts;
    std::vector<TextItem> tick_labels;
};

Layout make_layout(const ForestPlot& plot, int width) {
    if (width < kMinWidth || width > kMaxWidth)
        throw std::invalid_argument{
            fmt::format("forest plot: width {} px is out of range (expected {} to {})", width,
                        kMinWidth, kMaxWidth)};
    Layout L;
    L.geo.axis = forest_axis(plot); // validates the rows
    SurfacePtr scratch{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)};
    ContextPtr owner{cairo_create(scratch.get())};
    cairo_t* cr = owner.get();
    unhinted_metrics(cr);

    const double W = width;
    const double u = std::max(W / 1000, 0.5);
    L.u = u;
    L.geo.width = width;
    L.margin = std::round(24 * u);
    const double inner = W - 2 * L.margin;
    const double gap = 16 * u;
    const double label_size = 15 * u, right_size = 14 * u, small = 13 * u;
    double y = L.margin;

    auto heading = [&](const std::string& raw, double size, bool bold, Colour colour,
                       double line_factor) {
        TextItem t = fitted(cr, raw, size, bold, false, inner);
        t.x = L.margin;
        t.y = y + 0.95 * t.size;
        t.colour = colour;
        y += line_factor * size;
        L.texts.push_back(std::move(t));
    };
    if (!plot.title.empty()) heading(plot.title, 22 * u, true, kInk, 1.35);
    if (!plot.subtitle.empty()) heading(plot.subtitle, 15 * u, false, kGrey, 1.4);
    if (!plot.title.empty() || !plot.subtitle.empty()) y += 12 * u;

    // Columns: labels | axis | right_text, the outer two as wide as their widest text, capped.
    double label_w = 0, right_w = 0;
    auto widest = [&](double& w, const std::string& s, double size, bool bold) {
        set_font(cr, size, bold);
        w = std::max(w, advance(cr, drawable_text(s)));
    };
    for (const auto& r : plot.rows) {
        widest(label_w, r.label, label_size, false);
        widest(right_w, r.right_text, right_size, false);
    }
    widest(label_w, plot.pooled.label, label_size, true);
    widest(right_w, plot.pooled.right_text, right_size, true);
    label_w = std::min(std::ceil(label_w), std::round(0.34 * W));
    right_w = std::min(std::ceil(right_w), std::round(0.26 * W));
    L.geo.plot_left = L.margin + label_w + (label_w > 0 ? gap : 0);
    L.geo.plot_right = W - L.margin - right_w - (right_w > 0 ? gap : 0);

    // Rows, the rule, the pooled row.
    L.row_h = std::round(28 * u);
    L.rows_top = y;
    double wmax = 0;
    for (const auto& r : plot.rows)
        wmax = std::max(wmax, r.weight);
    const double max_side = 0.72 * L.row_h, min_side = std::max(3.0, 0.15 * max_side);
    auto row_texts = [&](const ForestRow& r, double cy, bool bold) {
        TextItem left = fitted(cr, r.label, label_size, bold, false, label_w);
        left.x = L.margin;
        left.y = cy + 0.36 * left.size;
        TextItem right = fitted(cr, r.right_text, right_size, bold, false, right_w);
        right.x = L.geo.plot_right + gap;
        right.y = cy + 0.36 * right.size;
        L.texts.push_back(std::move(left));
        L.texts.push_back(std::move(right));
    };
    for (const auto& r : plot.rows) {
        const double cy = y + L.row_h / 2;
        L.geo.row_y.push_back(cy);
        L.box_side.push_back(std::max(min_side, max_side * std::sqrt(r.weight / wmax)));
        row_texts(r, cy, false);
        y += L.row_h;
    }
    y += 5 * u;
    L.rule_y = y;
    y += 5 * u;
    L.geo.pooled_y = y + L.row_h / 2;
    row_texts(plot.pooled, L.geo.pooled_y, true);
    y += L.row_h + 6 * u;

    // The axis, its ticks, the notes either side of 1, the axis label.
    L.geo.axis_y = std::round(y) + 0.5; // crisp 1 px line
    const double tick_len = 6 * u;
    y = L.geo.axis_y + tick_len + 4 * u;
    // Every tick is marked; its label only where it does not run into one already placed,
    // 1 and then the ends first (at narrow widths, wide axes: 1e-300 … 1e+300).
    {
        const auto& ticks = L.geo.axis.ticks;
        std::vector<std::size_t> order(ticks.size());
        for (std::size_t k = 0; k < order.size(); ++k)
            order[k] = k;
        auto rank = [&](std::size_t k) {
            return ticks[k] == 1 ? 0 : k == 0 || k + 1 == ticks.size() ? 1 : 2;
        };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t i, std::size_t j) { return rank(i) < rank(j); });
        set_font(cr, small, false);
        std::vector<std::pair<double, double>> taken;
        std::vector<TextItem> placed(ticks.size());
        for (const std::size_t k : order) {
            TextItem item{tick_label(ticks[k]), 0, y + 0.95 * small, small, false, false, kInk};
            const double w = advance(cr, item.text);
            item.x = L.geo.x(ticks[k]) - w / 2;
            const double from = item.x - 3 * u, to = item.x + w + 3 * u;
            if (std::any_of(taken.begin(), taken.end(),
                            [&](const auto& r) { return from < r.second && to > r.first; }))
                continue;
            taken.emplace_back(from, to);
            placed[k] = std::move(item);
        }
        for (auto& item : placed) // left to right: the drawing order does not depend on rank
            if (!item.text.empty()) L.tick_labels.push_back(std::move(item));
    }
    y += 1.45 * small;
    const double x1 = L.geo.x(1);
    if (!plot.left_note.empty() || !plot.right_note.empty()) {
        if (!plot.left_note.empty()) {
            TextItem t =
                fitted(cr, "← " + plot.left_note, small, false, true, x1 - 8 * u - L.margin);
            set_font(cr, t.size, false, true);
            t.x = x1 - 8 * u - advance(cr, t.text);
            t.y = y + 0.95 * small;
            t.colour = kGrey;
            L.texts.push_back(std::move(t));
        }
        if (!plot.right_note.empty()) {
            TextItem t =
                fitted(cr, plot.right_note + " →", small, false, true, W - L.margin - x1 - 8 * u);
            t.x = x1 + 8 * u;
            t.y = y + 0.95 * small;
            t.colour = kGrey;
            L.texts.push_back(std::move(t));
        }
        y += 1.45 * small;
    }
    if (!plot.axis_label.empty()) {
        TextItem t = fitted(cr, plot.axis_label, 14 * u, false, false, inner);
        set_font(cr, t.size, false);
        const double w = advance(cr, t.text);
        const double centre = (L.geo.plot_left + L.geo.plot_right) / 2;
        t.x = std::clamp(centre - w / 2, L.margin, W - L.margin - w);
        t.y = y + 2 * u + 0.95 * t.size;
        L.texts.push_back(std::move(t));
        y += 2 * u + 1.45 * 14 * u;
    }
    if (!plot.footer.empty()) {
        y += 8 * u;
        TextItem t = fitted(cr, plot.footer, small, false, false, inner);
        t.x = L.margin;
        t.y = y + 0.95 * t.size;
        t.colour = kGrey;
        L.texts.push_back(std::move(t));
        y += 1.45 * small;
    }
    y += L.margin;
    L.geo.height = static_cast<int>(std::ceil(y));
    if (L.geo.height > kCairoMaxSide)
        throw std::invalid_argument{
            fmt::format("forest plot: {} rows make an image {} px high (at most {})",
                        plot.rows.size(), L.geo.height, kCairoMaxSide)};
    return L;
}

// ---------------------------------------------------------------------------------------------
// Drawing.

void set_colour(cairo_t* cr, const Colour& c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1, const Colour& c, double w) {
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    set_colour(cr, c);
    cairo_set_line_width(cr, w);
    cairo_stroke(cr);
}

void draw(cairo_t* cr, const ForestPlot& plot, const Layout& L) {
    unhinted_metrics(cr);
    set_colour(cr, kWhite);
    cairo_paint(cr);
    const ForestLayout& g = L.geo;
    const double u = L.u;
    const double W = g.width;

    // The null line at 1, under everything else; 2 px at 1000 px wide, so the pixel column
    // holding x(1) is always fully covered.
    {
        const double dash[] = {6 * u, 4 * u};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        line(cr, g.x(1), L.rows_top, g.x(1), g.axis_y, kNull, std::max(2.0, 2 * u));
        cairo_set_dash(cr, nullptr, 0, 0);
    }

    // Studies: the interval, then the box over it.
    for (std::size_t i = 0; i < plot.rows.size(); ++i) {
        const ForestRow& r = plot.rows[i];
        const double cy = g.row_y[i];
        line(cr, g.x(r.ci_low), cy, g.x(r.ci_high), cy, kInk, std::max(1.0, 1.6 * u));
        const double s = L.box_side[i], cx = g.x(r.estimate);
        cairo_rectangle(cr, cx - s / 2, cy - s / 2, s, s);
        set_colour(cr, kBox);
        cairo_fill(cr);
    }

    // The rule and the pooled diamond.
    line(cr, L.margin, L.rule_y, W - L.margin, L.rule_y, kRule, std::max(1.0, u));
    if (plot.show_pooled) {
        const ForestRow& p = plot.pooled;
        const double cx = g.x(p.estimate), cy = g.pooled_y, half_h = 0.36 * L.row_h;
        const double min_half = 2 * u; // an interval of no width still shows
        const double xl = std::min(g.x(p.ci_low), cx - min_half);
        const double xr = std::max(g.x(p.ci_high), cx + min_half);
        cairo_move_to(cr, xl, cy);
        cairo_line_to(cr, cx, cy - half_h);
        cairo_line_to(cr, xr, cy);
        cairo_line_to(cr, cx, cy + half_h);
        cairo_close_path(cr);
        set_colour(cr, kDiamond);
        cairo_fill(cr);
    }

    // The axis.
    line(cr, g.plot_left, g.axis_y, g.plot_right, g.axis_y, kInk, 1);
    for (const double t : g.axis.ticks)
        line(cr, g.x(t), g.axis_y, g.x(t), g.axis_y + 6 * u, kInk, std::max(1.0, u));

    for (const auto* list : {&L.tick_labels, &L.texts})
        for (const auto& t : *list) {
            set_font(cr, t.size, t.bold, t.italic);
            set_colour(cr, t.colour);
            cairo_move_to(cr, t.x, t.y);
            cairo_show_text(cr, t.text.c_str());
        }
}

} // namespace

ForestAxis forest_axis(const ForestPlot& plot) {
    check_plot(plot);
    double a = 1, b = 1;
    auto cover = [&](const ForestRow& r) {
        a = std::min({a, r.ci_low, r.estimate});
        b = std::max({b, r.ci_high, r.estimate});
    };
    for (const auto& r : plot.rows)
        cover(r);
    if (plot.show_pooled) cover(plot.pooled);

    // Every ladder that fits in kMaxTicks; the one whose axis wastes least wins, the finer on a
    // tie (0.2–9: 0.2 … 10 in 1–2–5 steps rather than 0.125 … 16 in powers of 2).
    std::vector<std::vector<double>> fits;
    auto add = [&](std::vector<double> t) {
        if (!t.empty()) fits.push_back(std::move(t));
    };
    if (a >= 0.5 && b <= 2) {
        const auto [lo, hi] = bracket(a, b, fine_value, 0);
        add(ladder_ticks(lo, hi, fine_value));
    }
    if (a >= 1.0 / 16 && b <= 16) { // beyond, powers of 2 make long labels (0.03125)
        const auto [lo, hi] =
            bracket(a, b, pow2_value, static_cast<long>(std::floor(std::log2(a))));
        add(ladder_ticks(lo, hi, pow2_value));
    }
    {
        const auto [lo, hi] =
            bracket(a, b, one_two_five_value, 3 * static_cast<long>(std::floor(std::log10(a))));
        add(ladder_ticks(lo, hi, one_two_five_value));
    }
    for (long step = 1; fits.empty() || step == 1; ++step) { // every `step` decades
        const auto decades = static_cast<double>(step);
        const long lo = std::min(-1L, static_cast<long>(std::floor(std::log10(a) / decades)));
        const long hi = std::max(1L, static_cast<long>(std::ceil(std::log10(b) / decades)));
        if (hi - lo + 1 > static_cast<long>(kMaxTicks) || !(decade(1, lo * step) > 0) ||
            !std::isfinite(decade(1, hi * step)))
            continue; // step 300 always fits within kMaxRatio
        std::vector<double> t;
        for (long i = lo; i <= hi; ++i)
            t.push_back(decade(1, i * step));
        add(std::move(t));
    }
    ForestAxis axis;
    double best = std::numeric_limits<double>::infinity();
    for (auto& t : fits) {
        const double span = std::log(t.back()) - std::log(t.front()); // no overflow at 1e±300
        if (span < best * (1 - 1e-9)) {
            best = span;
            axis.ticks = std::move(t);
        }
    }
    axis.lo = axis.ticks.front();
    axis.hi = axis.ticks.back();
    return axis;
}

double forest_x(double ratio, double lo, double hi, double left_px, double right_px) noexcept {
    // Differences of logs, not the log of a quotient: 1e300 / 1e-300 would overflow.
    return left_px +
           (right_px - left_px) * (std::log(ratio) - std::log(lo)) / (std::log(hi) - std::log(lo));
}

ForestLayout forest_layout(const ForestPlot& plot, int width) {
    return make_layout(plot, width).geo;
}

void render_forest(const ForestPlot& plot, const fs::path& png, int width) {
    const Layout layout = make_layout(plot, width);
    SurfacePtr surface{
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout.geo.width, layout.geo.height)};
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw IoError{fmt::format("forest plot '{}': cannot allocate a {} × {} px image: {}",
                                  png.string(), layout.geo.width, layout.geo.height,
                                  cairo_status_to_string(cairo_surface_status(surface.get())))};
    {
        ContextPtr cr{cairo_create(surface.get())};
        draw(cr.get(), plot, layout);
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
            throw IoError{fmt::format("forest plot '{}': drawing failed: {}", png.string(),
                                      cairo_status_to_string(cairo_status(cr.get())))};
    }
    cairo_surface_flush(surface.get());
    write_png(surface.get(), png, "forest plot");
}

} // namespace vigia::io
