#pragma once
/// \file
/// Charts for the HTML reports as standalone SVG documents (cairo's SVG surface, written into
/// memory): line charts (monthly counts, trends, Lorenz curves) and heat maps (day × hour,
/// Knox distance × time bands). Strings arrive already translated and numbers are formatted
/// by the caller's NumberFormat, so this module knows no language; it only lays out and draws.
///
/// Output: UTF-8 SVG 1.1, `width="<w>px" height="<h>px"` with a viewBox of the same size in
/// user units (1 unit = 1 CSS px). Text is DejaVu Sans drawn as glyph outlines, so the SVG
/// needs no font. Every id in the document starts with a prefix derived from a hash of the
/// chart's content, so several charts can be inlined in one HTML page without their glyph and
/// clip ids colliding (two identical charts share identical definitions). Same input, same
/// bytes. Colours are colour-blind safe: viridis (sequential), ColorBrewer RdBu reversed
/// (diverging), Okabe–Ito (series).

#include "io/map_render.hpp" // Rgba

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vigia::io {

/// Formats a tick or cell value for display, with at most `decimals` decimals (the caller's
/// language). Called with the value as displayed: for percentage ticks, value · 100 (the "%"
/// is appended by the chart).
using NumberFormat = std::function<std::string(double value, int decimals)>;

/// One line of a line chart.
struct ChartSeries {
    std::string label;        ///< legend text ("": not in the legend)
    std::vector<double> x, y; ///< same length; a point whose x or y is not finite is a gap
    /// Alpha 0 (the default): series_colour(index of this series in LineChart::series).
    Rgba colour{0, 0, 0, 0};
    double width_px = 2; ///< line width, > 0 and ≤ 20
    bool dashed = false;
    bool markers = false; ///< a small filled circle at each finite point
};

struct LineChart {
    int width_px = 720, height_px = 340; ///< 200–4000 each
    std::string x_label, y_label;        ///< axis titles ("": none)
    std::vector<ChartSeries> series;
    /// Categorical x ticks (e.g. months: positions in x units and their labels; labels are
    /// thinned, every k-th kept, so that they never overlap); empty: "nice" numeric ticks
    /// (1, 2, 2.5, 5 × 10^k) over the data range, formatted with `format`.
    std::vector<double> x_ticks;
    std::vector<std::string> x_tick_labels;
    /// Fixed ranges (lo < hi; a Lorenz curve: 0..1 both). Unset: x spans the data (and the
    /// categorical ticks); y spans the data widened to nice ticks.
    std::optional<std::array<double, 2>> x_range, y_range;
    bool y_from_zero = true; ///< when y_range is unset, the y axis includes 0 (counts)
    /// Ticks as percentages: format(value · 100, decimals) + "%".
    bool x_percent = false, y_percent = false;
    NumberFormat format; ///< required
    std::string note;    ///< one line of small text under the chart, "" none
};

/// The chart as a standalone SVG document: a light horizontal grid at the y ticks, left and
/// bottom axes with ticks, the series clipped to the plot, and, when ≥ 2 series have a label,
/// a legend above the plot at the right (wrapped onto more lines when needed). Every text is
/// measured and fits inside width_px × height_px (shrunk, at worst cut with "…"). A chart
/// whose series have no finite point draws its axes only (over 0..1 unless ranges are given).
/// Throws std::invalid_argument (naming the field, and the series by number and label) for
/// no `format`, a width or height outside 200–4000 px, x and y of different lengths, a series
/// width outside (0, 20], x_ticks and x_tick_labels of different lengths, a non-finite
/// x_tick, a range that is not finite with lo < hi, or labels so many or large that no plot
/// area is left; vigia::IoError when cairo fails.
std::string line_chart_svg(const LineChart& chart);

/// The Okabe–Ito colour a series with alpha 0 gets, by its index (cycling after 8): blue
/// #0072B2, vermillion #D55E00, bluish green #009E73, orange #E69F00, reddish purple #CC79A7,
/// sky blue #56B4E9, black #000000, yellow #F0E442.
Rgba series_colour(std::size_t index) noexcept;

struct HeatMap {
    /// e.g. days × hours; distance bands × time bands. At least one of each.
    std::vector<std::string> row_labels, column_labels;
    /// Row-major, rows · cols. A value that is not finite (NaN: no value) is drawn light grey
    /// with a diagonal hatch, and appears in the legend as `missing_label`.
    std::vector<double> values;
    /// Optional, empty or rows · cols: text printed in each cell ("" none), black or white,
    /// whichever contrasts more with the cell.
    std::vector<std::string> cell_text;
    std::string x_label, y_label, legend_title, missing_label;
    enum class Scale { sequential, diverging } scale = Scale::sequential;
    /// Diverging: the value drawn white (e.g. a Knox ratio of 1). The scale is symmetric about
    /// it, in log(value / centre) when log_diverging (centre must be > 0; values ≤ 0 take the
    /// bluest colour), else in value − centre.
    double centre = 1;
    bool log_diverging = true;
    int cell_px = 28;    ///< cell height, 6–400; the width follows from the available width
    int width_px = 720;  ///< 200–4000; the height follows from the rows (at most 4000 px)
    NumberFormat format; ///< legend tick labels; required
};

/// The heat map as a standalone SVG document: row labels at the left (as wide as the longest
/// needs, up to 45% of the width), column labels under the cells (turned vertical, and thinned
/// when still too narrow), axis titles, and a colour bar with 5 ticks (the ends and three
/// evenly spaced between) at the right, or below when the grid is too short for it, with a
/// hatched swatch for `missing_label` when any value is missing. An all-missing map draws
/// every cell as missing. Throws std::invalid_argument for no `format`, no rows or columns,
/// values.size() ≠ rows · cols, cell_text neither empty nor rows · cols, a width or cell_px
/// out of range, a diverging centre that is not finite (or not > 0 with log_diverging), or
/// a height over 4000 px; vigia::IoError when cairo fails.
std::string heat_map_svg(const HeatMap& map);

/// The colour heat_map_svg gives `value` in `map` (exposed for tests and for HTML legends):
/// sequential: viridis (9 anchors of matplotlib's map, linear in RGB) from the smallest
/// finite value (#440154) to the largest (#fde725); when all finite values are equal the range
/// is widened to include 0 (all 0: 0..1). Diverging: ColorBrewer RdBu (11 classes, the middle
/// one pure white) reversed, white at `centre`, blue below, red above, the ends at the largest
/// distance from `centre` among the finite values. Values beyond the range take the end
/// colours; a non-finite value gets the missing-cell grey. Reads only values, scale, centre
/// and log_diverging; throws std::invalid_argument as heat_map_svg does for a bad centre.
Rgba heat_colour(const HeatMap& map, double value);

} // namespace vigia::io
