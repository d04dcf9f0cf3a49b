#pragma once
/// \file
/// Global statistics of a city: Moran's I and Getis–Ord General G (spdep moran.test and
/// globalG.test conventions), the Clark–Evans nearest-neighbour index (spatstat
/// clarkevans), and crime concentration (Gini, generalised Gini, shares of cells and area).

#include "analysis/weights.hpp"

#include <vector>

namespace vigia::analysis {

/// A test statistic with its moments; z and p NaN where undefined (zero variance).
struct GlobalTest {
    double value = 0, expectation = 0, variance = 0, z = 0;
    double p = 0;      ///< two-sided normal p-value
    std::size_t n = 0; ///< observations with at least one neighbour (spdep adjust.n)
};

/// Deviations from the mean, z = x − x̄, with Σz² and Σz⁴.
struct Deviations {
    std::vector<double> z;
    double m2 = 0, m4 = 0;
};
Deviations deviations(const std::vector<double>& x);

/// Moran's I under randomisation (Cliff & Ord 1981; spdep moran.test).
GlobalTest moran_i(const std::vector<double>& x, const Weights& w);

/// Moran's I from its sums, for callers that never store the weights (incremental spatial
/// autocorrelation): n features with neighbours out of `full`, weight constants S0, S1, S2,
/// Σz², Σz⁴ over all features and the cross product Σ_ij w_ij z_i z_j.
GlobalTest moran_from_sums(std::size_t n, std::size_t full, double s0, double s1, double s2,
                           double m2, double m4, double cross);

/// General G (Getis & Ord 1992; spdep globalG.test with B1correct): binary weights without
/// self, x ≥ 0.
GlobalTest general_g(const std::vector<double>& x, const Weights& w);

/// Clark–Evans aggregation index without edge correction (spatstat clarkevans "none").
struct ClarkEvans {
    std::size_t n = 0;
    double area = 0;
    double observed = 0; ///< mean nearest-neighbour distance, m
    double expected = 0; ///< 0.5 / √λ
    double r = 0;        ///< observed / expected (< 1 clustered, > 1 dispersed)
    double se = 0, z = 0, p = 0;
};
ClarkEvans clark_evans(const std::vector<double>& x, const std::vector<double>& y, double area);

/// Nearest-neighbour distance of every point (0 for coincident points).
std::vector<double> nearest_neighbour_distances(const std::vector<double>& x,
                                                const std::vector<double>& y);

/// Concentration of counts over places.
struct Concentration {
    double gini = 0;             ///< of the counts over all cells
    double gini_generalised = 0; ///< Bernasco & Steenbeek 2017, for fewer events than places
    double cells_share_25 = 0, cells_share_50 = 0; ///< share of cells holding 25 % / 50 %
    double area_share_25 = 0, area_share_50 = 0;   ///< share of area of those cells
    double zero_share = 0;                         ///< share of cells with no incident
};
Concentration concentration(const std::vector<double>& counts, const std::vector<double>& area);

/// The Lorenz curve of non-negative counts over places: L(p) at p = k/steps, k = 0 … steps,
/// the share of all counts held by the share p of places holding the fewest (places in
/// ascending order of count, the curve linear within a place). L(0) = 0, L(1) = 1; the Gini
/// of the counts is 1 − 2∫L, which the trapezoids over these points approach as steps grows.
/// Empty when the counts sum to zero or `steps` is 0.
std::vector<double> lorenz_curve(std::vector<double> counts, std::size_t steps);

/// Gini of non-negative values: 2 Σ i x_(i) / (n Σx) − (n + 1)/n, x ascending.
double gini(std::vector<double> x);

} // namespace vigia::analysis
