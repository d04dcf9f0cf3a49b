#pragma once
/// \file
/// Evaluating a prevention programme where it ran (docs/methods.md §19): the relative effect
/// size of a target area against its control (Farrington & Welsh 2005, 2006), the weighted
/// displacement quotient and total net effect of its catchment buffer (Bowers & Johnson 2003;
/// Guerette 2009), the overdispersion of monthly counts (quasi-Poisson), and the random-effects
/// pooling of ln RES across sites and cities (DerSimonian & Laird 1986, as metafor's
/// rma(method = "DL")).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigia::analysis {

/// Counts before and after a start, in one area.
struct BeforeAfter {
    double before = 0, after = 0;
};

/// The relative effect size of a target against its control.
struct EffectSize {
    double res = 0;        ///< (a·d)/(b·c): > 1, the target improved relative to the control
    double log_res = 0;    ///< ln RES
    double variance = 0;   ///< Var(ln RES) = (1/a + 1/b + 1/c + 1/d) · dispersion
    double dispersion = 1; ///< the overdispersion factor used (≥ 1)
    double ci_low = 0, ci_high = 0; ///< 95% confidence interval of RES
    double z = 0, p = 1;            ///< ln RES / sqrt(variance); two-sided normal p
    bool corrected = false;         ///< a count was 0: 0.5 added to all four (flagged)
};

/// RES of target counts (a before, b after) against control counts (c before, d after), with
/// Var(ln RES) multiplied by `dispersion` (floored at 1). A zero count adds 0.5 to all four
/// (Haldane–Anscombe) and sets `corrected`. Throws std::invalid_argument on negative or
/// non-finite counts.
EffectSize relative_effect_size(const BeforeAfter& target, const BeforeAfter& control,
                                double dispersion = 1);

/// The quasi-Poisson overdispersion factor of monthly counts: Pearson's X² of each series
/// against its own before and after means, over the degrees of freedom (months − 2 per series
/// with both windows, − 1 with one), summed over the series; floored at 1 (never less
/// dispersed than Poisson). 1 when there are no degrees of freedom or every mean is 0.
/// `before[i]` holds the months of series i before the start, `after[i]` those after.
double overdispersion(const std::vector<std::vector<double>>& before,
                      const std::vector<std::vector<double>>& after);

/// Displacement and diffusion of benefits around a target (A), in its buffer (B), against the
/// control (C).
struct Displacement {
    /// WDQ = (Ba/Ca − Bb/Cb) / (Aa/Ca − Ab/Cb), given only when the target improved relative
    /// to the control (Aa/Ca < Ab/Cb); otherwise `why` says why not.
    std::optional<double> wdq;
    std::string why;
    /// Total net effect in incidents: [Ab·Ca/Cb − Aa] + [Bb·Ca/Cb − Ba] (> 0: incidents
    /// prevented, counting what moved to or was spared in the buffer). NaN when Cb = 0.
    double total_net_effect = 0;
    /// "diffusion", "displacement_smaller", "displacement_larger", "no_change" (WDQ = 0), or
    /// "" when WDQ is not given.
    std::string reading;
};

Displacement displacement(const BeforeAfter& target, const BeforeAfter& buffer,
                          const BeforeAfter& control);

/// A random-effects pooled estimate (DerSimonian–Laird), as metafor::rma(yi, vi, "DL").
struct Pooled {
    std::size_t k = 0;
    double estimate = 0, se = 0, ci_low = 0, ci_high = 0, z = 0, p = 1;
    double tau2 = 0; ///< between-study variance, truncated at 0
    double i2 = 0;   ///< I², in percent (as metafor)
    double h2 = 1; ///< H² = (τ² + s²) / s², as metafor (Q / (k − 1) when τ² > 0; 1 when k = 1)
    double q = 0;   ///< Cochran's Q
    double q_p = 1; ///< its upper chi-square tail on k − 1 degrees of freedom
};

/// Pools estimates `y` with sampling variances `v` (each > 0). Throws std::invalid_argument on
/// no estimate, different lengths or a variance that is not positive and finite.
Pooled dersimonian_laird(const std::vector<double>& y, const std::vector<double>& v);

} // namespace vigia::analysis
