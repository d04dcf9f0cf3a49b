// Heat maps for the report pages (io/charts.hpp): day × hour, Knox distance × time bands.

#include "io/chart_draw.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <stdexcept>

namespace vigia::io {

using namespace chart;

namespace {

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
        if (!m.legend_title.empty())
            want = std::max(want, advance(cr, drawable_text(m.legend_title)));
        if (L.any_missing)
            want =
                std::max(want, L.bar_thick + sw_gap + advance(cr, drawable_text(m.missing_label)));
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
            const double need = L.bar_thick + sw_gap + advance(cr, drawable_text(m.missing_label));
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

std::string heat_map_svg(const HeatMap& map) {
    const HeatLayout layout = heat_layout(map);
    return render_svg("heat map", layout.W, layout.H,
                      [&](cairo_t* cr) { draw_heat_map(cr, map, layout); });
}

Rgba heat_colour(const HeatMap& map, double value) {
    return colour_scale(map).colour(value);
}

} // namespace vigia::io
