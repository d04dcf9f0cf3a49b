#pragma once
/// \file
/// Rates per resident, raw and smoothed towards the city's rate where few people live.

#include <vector>

namespace vigia::analysis {

/// Marshall's (1991) global empirical Bayes estimate of each area's rate (as GeoDa's
/// "Empirical Bayes" rate and spdep's EBest with family = "poisson"): with p_i = e_i / n_i,
/// b = Σe / Σn, s² = Σ n_i (p_i − b)² / Σn and a = max(0, s² − b / n̄),
/// est_i = b + a (p_i − b) / (a + b / n_i). Areas without residents (n_i ≤ 0) are left out of
/// the estimates and get NaN. Rates are per resident: multiply by 1e5 for per 100,000.
std::vector<double> empirical_bayes_rates(const std::vector<double>& events,
                                          const std::vector<double>& population);

} // namespace vigia::analysis
