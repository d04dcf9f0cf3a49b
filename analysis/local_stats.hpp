#pragma once
/// \file
/// Local spatial statistics on a value per feature (grid cell or sub-unit): Getis–Ord Gi*
/// and local Moran's I, with analytic moments, conditional-permutation pseudo p-values,
/// Benjamini–Hochberg false discovery rate control and the classes analysts read.
/// Formulas and conventions: docs/methods.md §7; references: spdep localG / localmoran,
/// esda G_Local / Moran_Local, ArcGIS Hot Spot Analysis.

#include "analysis/weights.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigia::analysis {

/// Two-sided normal p-value, erfc(|z|/√2) (accurate for tiny p). NaN stays NaN.
double two_sided_p(double z) noexcept;

/// Gi* z-scores (Ord & Getis 1995) with the given weights (binary, self included for Gi*):
/// z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n S1_i − W_i²)/(n − 1))), S the population standard
/// deviation. NaN where undefined (zero variance, or a neighbourhood that is every feature).
std::vector<double> gi_star_z(const std::vector<double>& x, const Weights& w);

/// Local Moran's I with spdep's default (conditional) moments; weights normally
/// row-standardised and without self.
struct LocalMoran {
    std::vector<double> i, expectation, variance, z, p; ///< z, p NaN where Var = 0
    std::vector<double> lag_z;                          ///< Σ_j w_ij z_j, for the quadrant
};
LocalMoran local_moran(const std::vector<double>& x, const Weights& w);

struct PermutationSpec {
    std::size_t permutations = 999;
    std::uint64_t seed = 12345;
};

/// Conditional-permutation pseudo p-values for Gi* and local Moran at once: x_i stays in
/// place and its k_i neighbours' values are replaced by k_i values drawn without
/// replacement from the other n − 1 features; the same R draws serve every feature (esda's
/// crand scheme), so results depend only on the seed. p = (min(#sim ≥ obs, #sim ≤ obs) + 1)
/// / (R + 1), ties counted on both sides. `gi` and `lisa` must list the same neighbours
/// (`gi` may also include self). Empty vectors when permutations == 0.
struct PermutationP {
    std::vector<double> gi, lisa;
};
PermutationP permutation_p(const std::vector<double>& x, const Weights& gi, const Weights& lisa,
                           const PermutationSpec& spec);

/// The 7 confidence classes of ArcGIS's Gi_Bin: ±3 (99 %), ±2 (95 %), ±1 (90 %), 0 not
/// significant. With `fdr`, a feature is significant at level α when its p is at most the
/// Benjamini–Hochberg cut-off for α among all defined p-values (run at 0.10, 0.05 and 0.01
/// together, as ArcGIS does); without, when p ≤ α. NaN p → 0.
std::vector<std::int8_t> confidence_classes(const std::vector<double>& z,
                                            const std::vector<double>& p, bool fdr);

/// Benjamini–Hochberg cut-off: the largest p_(k) with p_(k) ≤ k α / m (−1 when none; 0 is a
/// valid cut-off, as erfc underflows to 0 for |z| > 37.5).
double bh_cutoff(std::vector<double> p, double alpha);

enum class LisaCluster : std::uint8_t { not_significant, hh, ll, lh, hl };
const char* to_string(LisaCluster c) noexcept;

/// HH/LL/LH/HL by the signs of z_i and of its spatial lag (GeoDa's quadrants), when
/// p ≤ alpha; otherwise (or when p is NaN) not significant.
std::vector<LisaCluster> lisa_clusters(const std::vector<double>& x,
                                       const std::vector<double>& lag_z,
                                       const std::vector<double>& p, double alpha = 0.05);

} // namespace vigia::analysis
