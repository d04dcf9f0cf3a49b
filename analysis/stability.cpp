#include "analysis/stability.hpp"

#include <limits>

namespace vigia::analysis {

Stability stability(const std::vector<double>& train, const std::vector<double>& test,
                    const std::vector<double>& area, const std::vector<std::uint8_t>& hot_train,
                    const std::vector<std::uint8_t>& hot_test) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Stability s;
    double n1 = 0, n2 = 0, total1 = 0, total2 = 0, a = 0, total_area = 0;
    std::size_t both = 0, either = 0;
    for (std::size_t c = 0; c < train.size(); ++c) {
        total1 += train[c];
        total2 += test[c];
        total_area += area[c];
        if (hot_train[c]) {
            n1 += train[c];
            n2 += test[c];
            a += area[c];
            ++s.hot_train;
        }
        s.hot_test += hot_test[c];
        both += hot_train[c] && hot_test[c];
        either += hot_train[c] || hot_test[c];
    }
    s.hit_rate = total2 > 0 ? n2 / total2 : nan;
    s.area_share = total_area > 0 ? a / total_area : nan;
    s.pai = s.hot_train && s.area_share > 0 ? s.hit_rate / s.area_share : nan;
    s.rri = n1 > 0 && total1 > 0 && total2 > 0 ? (n2 / n1) / (total2 / total1) : nan;
    s.jaccard = either ? static_cast<double>(both) / static_cast<double>(either) : nan;
    return s;
}

} // namespace vigia::analysis
