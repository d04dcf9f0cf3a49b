#include "analysis/quality.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace vigia::analysis {

std::size_t pile_threshold(std::size_t n) noexcept {
    return std::max<std::size_t>(
        10, static_cast<std::size_t>(std::ceil(0.001 * static_cast<double>(n))));
}

QualityReport check_quality(const Incidents& inc) {
    QualityReport q;
    const std::size_t n = inc.size();
    q.pile_threshold = pile_threshold(n);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    auto key = [&](std::size_t i) {
        return std::make_tuple(inc.source_x[i], inc.source_y[i], inc.time[i], inc.category[i]);
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::make_tuple(key(a), inc.row[a]) < std::make_tuple(key(b), inc.row[b]);
    });
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i;
        while (j < n && inc.source_x[order[j]] == inc.source_x[order[i]] &&
               inc.source_y[order[j]] == inc.source_y[order[i]])
            ++j;
        const std::size_t stack = j - i;
        q.largest_stack = std::max(q.largest_stack, stack);
        if (stack >= q.pile_threshold) {
            q.piles.push_back({inc.source_x[order[i]], inc.source_y[order[i]], stack});
            q.incidents_in_piles += stack;
        }
        for (std::size_t k = i + 1; k < j; ++k)
            if (key(order[k]) == key(order[k - 1])) ++q.duplicates;
        i = j;
    }
    std::stable_sort(q.piles.begin(), q.piles.end(),
                     [](const Pile& a, const Pile& b) { return a.count > b.count; });
    return q;
}

} // namespace vigia::analysis
