#pragma once
/// \file
/// Forest plots as PNG (cairo) for a random-effects meta-analysis of crime-prevention
/// programmes: one row per study (a site or a city) with its ratio and 95% interval on a log
/// axis, a square whose area follows the study's weight, and the pooled estimate as a diamond
/// under a rule. Strings arrive already translated and formatted; this module only lays out
/// and draws.

#include <filesystem>
#include <string>
#include <vector>

namespace vigia::io {

/// One study of a forest plot: a ratio (e.g. a relative effect size) with its 95% interval.
struct ForestRow {
    std::string label;   ///< "Zapopan" or "site 3: Unidad deportiva"
    double estimate = 1; ///< the ratio (> 0)
    double ci_low = 1, ci_high = 1;
    double weight = 1;      ///< relative weight (box area), e.g. 1/(v + tau2); > 0
    std::string right_text; ///< printed at the right, e.g. "1.43 [1.10, 1.86]"
};

struct ForestPlot {
    /// e.g. "What works: sports", "random effects (DerSimonian–Laird), k = 4"
    std::string title, subtitle;
    std::string axis_label; ///< e.g. "Relative effect size (> 1: fewer incidents than expected)"
    std::string left_note, right_note; ///< under the axis at each side, e.g. "worse" / "better"
    std::vector<ForestRow> rows;
    ForestRow pooled;   ///< drawn as a diamond from ci_low to ci_high, estimate at its centre
    std::string footer; ///< e.g. "τ² = 0.012, I² = 31.0%, Q = 4.35 (p = 0.226)"
    /// False: no diamond; the pooled row shows its label and right_text only (e.g. why the
    /// pool is not shown), and its numbers are not checked or used.
    bool show_pooled = true;
};

/// Draws the plot: a log-scale ratio axis that covers every interval and 1 (a dashed vertical
/// line at 1), one row per study (a square of area ∝ weight at the estimate, a line for the CI),
/// the pooled diamond under a rule, labels on the left, right_text on the right. The axis is
/// never clipped, so no interval runs off it (and no arrows are needed). Boxes are scaled so
/// the heaviest row's is 72% of the row height; a box is never drawn smaller than 15% of that
/// side, so area ∝ weight holds down to about 2% of the largest weight. Writes a PNG of `width`
/// pixels wide (height from the row count) to `png` itself (no temporary name; an existing file
/// is replaced; one half-written by a failure is left for the caller to remove). The same input
/// gives the same bytes.
/// Throws vigia::IoError (analysis/error.hpp) when the file cannot be written;
/// std::invalid_argument, naming the row's number and label, for an estimate, bound or weight
/// of a row or of `pooled` that is not a finite number in 1e-300–1e300 (so not ≤ 0), or
/// ci_low > ci_high; and for a width outside 300–16000 px.
void render_forest(const ForestPlot& plot, const std::filesystem::path& png, int width = 1000);

/// The ratio axis: [lo, hi] ⊇ every interval and estimate of the rows and of `pooled`, and 1,
/// with at least one tick either side of 1; its ends are ticks. Ticks are "nice" ratios, at most
/// 9, from one ladder: 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2 (when everything lies within 0.5–2),
/// powers of 2 from 1/16 to 16, 1–2–5 steps (0.1, 0.2, 0.5, 1, 2 …), or powers of 10 (every
/// decade, or every second …). Of the ladders that fit, the one giving the shortest axis wins,
/// the first listed on a tie.
struct ForestAxis {
    double lo = 1, hi = 1;
    std::vector<double> ticks; ///< increasing, lo first, hi last, 1 among them
};

/// The axis for `plot`. Throws std::invalid_argument as render_forest does for a bad row.
ForestAxis forest_axis(const ForestPlot& plot);

/// Where `ratio` falls on a log axis from `lo` (at `left_px`) to `hi` (at `right_px`):
/// left_px + (right_px − left_px) · ln(ratio / lo) / ln(hi / lo). Needs 0 < lo < hi, ratio > 0.
double forest_x(double ratio, double lo, double hi, double left_px, double right_px) noexcept;

/// Where render_forest puts things, in pixels (x right, y down; pixel (i, j) covers
/// [i, i+1) × [j, j+1)).
struct ForestLayout {
    int width = 0, height = 0;
    ForestAxis axis;
    double plot_left = 0, plot_right = 0; ///< x of axis.lo and axis.hi
    std::vector<double> row_y;            ///< the centre line of each row, in order
    double pooled_y = 0;                  ///< the centre line of the diamond
    double axis_y = 0;                    ///< the axis line
    double x(double ratio) const noexcept {
        return forest_x(ratio, axis.lo, axis.hi, plot_left, plot_right);
    }
};

/// The layout render_forest uses. Throws std::invalid_argument as render_forest does.
ForestLayout forest_layout(const ForestPlot& plot, int width = 1000);

} // namespace vigia::io
