#include "analysis/evaluation.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace vigia::analysis {

namespace {

constexpr double kZ975 = 1.959963984540054; // the normal's 97.5% quantile

double two_sided_p(double z) {
    return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

void check_count(double v, const char* what) {
    if (!std::isfinite(v) || v < 0)
        throw std::invalid_argument{std::string{"relative_effect_size: "} + what +
                                    " must be a finite count >= 0"};
}

} // namespace

EffectSize relative_effect_size(const BeforeAfter& target, const BeforeAfter& control,
                                double dispersion) {
    double a = target.before, b = target.after, c = control.before, d = control.after;
    check_count(a, "the target's count before");
    check_count(b, "the target's count after");
    check_count(c, "the control's count before");
    check_count(d, "the control's count after");
    EffectSize e;
    if (a == 0 || b == 0 || c == 0 || d == 0) {
        a += 0.5;
        b += 0.5;
        c += 0.5;
        d += 0.5;
        e.corrected = true;
    }
    e.dispersion = std::isfinite(dispersion) ? std::max(1.0, dispersion) : 1.0;
    e.res = (a * d) / (b * c);
    e.log_res = std::log(a) + std::log(d) - std::log(b) - std::log(c);
    e.variance = (1 / a + 1 / b + 1 / c + 1 / d) * e.dispersion;
    const double se = std::sqrt(e.variance);
    e.ci_low = std::exp(e.log_res - kZ975 * se);
    e.ci_high = std::exp(e.log_res + kZ975 * se);
    e.z = e.log_res / se;
    e.p = two_sided_p(e.z);
    return e;
}

double overdispersion(const std::vector<std::vector<double>>& before,
                      const std::vector<std::vector<double>>& after) {
    double x2 = 0, df = 0;
    auto add = [&](const std::vector<double>& months) {
        if (months.empty()) return 0.0;
        double sum = 0;
        for (double m : months)
            sum += m;
        const double mean = sum / static_cast<double>(months.size());
        if (mean > 0)
            for (double m : months)
                x2 += (m - mean) * (m - mean) / mean;
        return 1.0; // one mean fitted
    };
    const std::size_t n = std::max(before.size(), after.size());
    for (std::size_t i = 0; i < n; ++i) {
        double months = 0, fitted = 0;
        for (const auto* side : {&before, &after})
            if (i < side->size()) {
                months += static_cast<double>((*side)[i].size());
                fitted += add((*side)[i]);
            }
        df += months - fitted;
    }
    if (!(df > 0)) return 1.0;
    return std::max(1.0, x2 / df);
}

Displacement displacement(const BeforeAfter& target, const BeforeAfter& buffer,
                          const BeforeAfter& control) {
    Displacement d;
    const double ab = target.before, aa = target.after, bb = buffer.before, ba = buffer.after,
                 cb = control.before, ca = control.after;
    d.total_net_effect = cb > 0 ? (ab * ca / cb - aa) + (bb * ca / cb - ba)
                                : std::numeric_limits<double>::quiet_NaN();
    if (!(cb > 0) || !(ca > 0)) {
        d.why = "the control has no incident before or after the start";
        return d;
    }
    const double success = aa / ca - ab / cb;
    if (!(success < 0)) {
        d.why = "the target did not improve relative to the control (Aa/Ca >= Ab/Cb)";
        return d;
    }
    const double w = (ba / ca - bb / cb) / success;
    d.wdq = w;
    if (w > 0)
        d.reading = "diffusion";
    else if (w == 0)
        d.reading = "no_change";
    else if (w > -1)
        d.reading = "displacement_smaller";
    else
        d.reading = "displacement_larger";
    return d;
}

Pooled dersimonian_laird(const std::vector<double>& y, const std::vector<double>& v) {
    if (y.empty() || y.size() != v.size())
        throw std::invalid_argument{"dersimonian_laird: as many variances as estimates, at "
                                    "least one"};
    for (double x : v)
        if (!(x > 0) || !std::isfinite(x))
            throw std::invalid_argument{"dersimonian_laird: every variance must be positive"};
    for (double x : y)
        if (!std::isfinite(x))
            throw std::invalid_argument{"dersimonian_laird: every estimate must be finite"};
    Pooled p;
    p.k = y.size();
    double sw = 0, sw2 = 0, swy = 0;
    for (std::size_t i = 0; i < p.k; ++i) {
        const double w = 1 / v[i];
        sw += w;
        sw2 += w * w;
        swy += w * y[i];
    }
    const double fixed = swy / sw;
    for (std::size_t i = 0; i < p.k; ++i)
        p.q += (y[i] - fixed) * (y[i] - fixed) / v[i];
    const double df = static_cast<double>(p.k) - 1;
    if (p.k > 1) {
        const double c = sw - sw2 / sw;
        p.tau2 = std::max(0.0, (p.q - df) / c);
        // metafor: I² = 100 τ² / (τ² + s²), H² = (τ² + s²) / s², s² = (k − 1) / c.
        const double s2 = df / c;
        p.i2 = 100 * p.tau2 / (p.tau2 + s2);
        p.h2 = (p.tau2 + s2) / s2;
        p.q_p = boost::math::cdf(boost::math::complement(boost::math::chi_squared{df}, p.q));
    }
    double sws = 0, swsy = 0;
    for (std::size_t i = 0; i < p.k; ++i) {
        const double w = 1 / (v[i] + p.tau2);
        sws += w;
        swsy += w * y[i];
    }
    p.estimate = swsy / sws;
    p.se = std::sqrt(1 / sws);
    p.ci_low = p.estimate - kZ975 * p.se;
    p.ci_high = p.estimate + kZ975 * p.se;
    p.z = p.estimate / p.se;
    p.p = two_sided_p(p.z);
    return p;
}

} // namespace vigia::analysis
