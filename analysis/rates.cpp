#include "analysis/rates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigia::analysis {

std::vector<double> empirical_bayes_rates(const std::vector<double>& e,
                                          const std::vector<double>& n) {
    std::vector<double> out(e.size(), std::numeric_limits<double>::quiet_NaN());
    double esum = 0, nsum = 0, m = 0;
    for (std::size_t i = 0; i < e.size(); ++i)
        if (n[i] > 0) {
            esum += e[i];
            nsum += n[i];
            m += 1;
        }
    if (!(nsum > 0)) return out;
    const double b = esum / nsum;
    double s2 = 0;
    for (std::size_t i = 0; i < e.size(); ++i)
        if (n[i] > 0) {
            const double p = e[i] / n[i];
            s2 += n[i] * (p - b) * (p - b) / nsum;
        }
    const double a = std::max(0.0, s2 - b / (nsum / m));
    for (std::size_t i = 0; i < e.size(); ++i)
        if (n[i] > 0) {
            const double p = e[i] / n[i];
            out[i] = a + b / n[i] > 0 ? b + a * (p - b) / (a + b / n[i]) : b;
        }
    return out;
}

} // namespace vigia::analysis
