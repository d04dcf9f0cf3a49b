#include "engine/stages/stages.hpp"

namespace vigia::engine {

const std::vector<const Stage*>& city_stages() {
    static const std::vector<const Stage*> list{
        &stages::boundary(),      &stages::grid(),        &stages::read(),
        &stages::count(),         &stages::clock(),       &stages::monthly(),
        &stages::categories(),    &stages::weights(),     &stages::stability(),
        &stages::hotspots(),      &stages::kde(),         &stages::category_hotspots(),
        &stages::emerging(),      &stages::near_repeat(), &stages::coverage(),
        &stages::interventions(), &stages::metrics()};
    return list;
}

std::vector<std::int64_t> sequence(std::size_t n) {
    std::vector<std::int64_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::int64_t>(i) + 1;
    return v;
}

} // namespace vigia::engine
