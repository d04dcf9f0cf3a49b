// The hot-spot stage of each harmonised category of [analysis] categories (a code and those
// below it): the same grid, weights and parameters as for all incidents, without kernel
// density (docs/methods.md §13).

#include "analysis/count.hpp"
#include "engine/iccs.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

CityContext::Category category_run(const CityContext& o, const std::string& code) {
    const AnalysisParams& a = o.manifest->analysis;
    CityContext::Category c;
    c.code = code;
    c.name = iccs_name(code, a.language);
    auto within = [&](std::int32_t label) {
        return label >= 0 && iccs_within(o.iccs_of_category[label], code);
    };
    std::vector<std::uint8_t> keep;
    std::vector<double> x, y;
    if (o.points) {
        const analysis::Incidents& inc = o.points->incidents;
        keep.resize(inc.size());
        std::vector<std::int32_t> cells, units;
        for (std::size_t i = 0; i < inc.size(); ++i) {
            keep[i] = within(inc.category[i]);
            if (!keep[i]) continue;
            cells.push_back(o.assignment->cell[i]);
            units.push_back(o.assignment->unit[i]);
            x.push_back(inc.x[i]);
            y.push_back(inc.y[i]);
        }
        c.cell_counts = analysis::tally(cells, o.grid.size());
        c.unit_counts = analysis::tally(units, o.units.size());
    } else {
        const analysis::AreaCounts& ac = o.counts->counts;
        keep.resize(ac.size());
        c.unit_counts.assign(o.units.size(), 0.0);
        for (std::size_t r = 0; r < ac.size(); ++r) {
            keep[r] = within(ac.category[r]);
            if (keep[r]) c.unit_counts[ac.unit[r]] += ac.count[r];
        }
        c.cell_counts = analysis::apportion_to_cells(o.overlaps, o.unit_area_km2, c.unit_counts);
    }
    HotspotInput in = hotspot_input(o);
    in.cell_counts = &c.cell_counts;
    in.unit_counts = &c.unit_counts;
    if (o.points) {
        in.x = &x;
        in.y = &y;
    }
    c.periods = split_periods(a, o, &keep);
    std::vector<CityStat> stability;
    if (c.periods.valid) {
        stability = stability_stats(o.grid, o.weights->grid, c.periods.train_counts,
                                    c.periods.test_counts, a);
        in.stability = &stability;
    }
    c.hotspots = hotspot_stage(in, a);
    c.members = std::move(keep);
    return c;
}

/// A category's count and hot-spot fields: count_<code>, gi_z_<code>, gi_class_<code>,
/// lisa_<code>.
void emit_category(LayerSink& sink, const std::string& layer, const std::string& code,
                   const std::vector<double>& count, const LocalResults& r) {
    std::vector<std::int64_t> cls(r.gi_class.begin(), r.gi_class.end());
    std::vector<std::string> cluster;
    for (auto c : r.lisa_cluster)
        cluster.emplace_back(analysis::to_string(c));
    sink.column(layer, {"count_" + code, count});
    sink.column(layer, {"gi_z_" + code, r.gi_z});
    sink.column(layer, {"gi_class_" + code, std::move(cls)});
    sink.column(layer, {"lisa_" + code, std::move(cluster)});
}

class CategoryHotspotsStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "category_hotspots"; }
    std::string_view label() const noexcept override { return "hot spots per category"; }
    std::vector<std::string_view> needs() const override { return {"categories", "hotspots"}; }
    bool applies(const CityContext& ctx) const override {
        return !ctx.manifest->analysis.categories.empty();
    }

    void run(CityContext& ctx, Progress& progress) const override {
        const auto& codes = ctx.manifest->analysis.categories;
        for (std::size_t k = 0; k < codes.size(); ++k) {
            ctx.by_category.push_back(category_run(ctx, codes[k]));
            const auto& c = ctx.by_category.back();
            for (const auto& w : c.hotspots.warnings)
                ctx.warnings.push_back(fmt::format("category {} ({}): {}", c.code, c.name, w));
            progress.update(static_cast<double>(k + 1) / static_cast<double>(codes.size()));
        }
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        for (const auto& c : ctx.by_category) {
            emit_category(sink, "grid", c.code, c.cell_counts, c.hotspots.grid);
            emit_category(sink, "units", c.code, c.unit_counts, c.hotspots.units);
        }
    }
};

} // namespace

const Stage& stages::category_hotspots() {
    static const CategoryHotspotsStage s;
    return s;
}

} // namespace vigia::engine
