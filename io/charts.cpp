// Line charts for the report pages (io/charts.hpp): monthly series, Lorenz curves.

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

} // namespace

Rgba series_colour(std::size_t index) noexcept {
    return kOkabeIto[index % kOkabeIto.size()];
}

std::string line_chart_svg(const LineChart& chart) {
    const LineLayout layout = line_layout(chart);
    return render_svg("line chart", layout.W, layout.H,
                      [&](cairo_t* cr) { draw_line_chart(cr, chart, layout); });
}

} // namespace vigia::io
