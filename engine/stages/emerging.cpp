// The emerging hot-spot stage: the space-time cube of cells × time steps, its Gi*, the
// Mann–Kendall trends and ArcGIS's 17 patterns (docs/methods.md §15).

#include "engine/stages/stages.hpp"

namespace vigia::engine {

TimeInput time_input(const CityContext& ctx) {
    TimeInput tin;
    tin.grid = &ctx.grid;
    tin.grid_weights = &ctx.weights->grid;
    if (ctx.points) {
        tin.cell = &ctx.assignment->cell;
        tin.time = &ctx.points->incidents.time;
        tin.time_span = &ctx.points->incidents.time_span;
        tin.x = &ctx.points->incidents.x;
        tin.y = &ctx.points->incidents.y;
        if (ctx.points->time_min != analysis::kNoTime) { // else no time at all
            tin.first = ctx.points->time_min;
            tin.last = ctx.points->time_end - 1; // the end of the last time's interval
        }
        for (const CityContext::Category& c : ctx.by_category)
            tin.categories.emplace_back(c.code, &c.members);
    } else {
        tin.counts = &ctx.counts->counts;
        tin.monthly = ctx.counts->monthly;
        tin.overlaps = &ctx.overlaps;
        tin.unit_area_km2 = &ctx.unit_area_km2;
        if (ctx.counts->time_min != analysis::kNoTime) {
            tin.first = ctx.counts->time_min;
            tin.last = ctx.counts->time_end - 1; // the last month (or year) whole
        }
    }
    return tin;
}

namespace {

/// The emerging hot-spot pattern of every cell and its trends.
void emit_emerging(LayerSink& sink, const std::string& layer, const analysis::EmergingResult& e,
                   const std::vector<std::size_t>* keep) {
    std::vector<std::string> category;
    std::vector<std::int64_t> hot, cold, count_dir, gi_dir;
    std::vector<double> count_z, count_p, gi_z, gi_p;
    auto add = [&](std::size_t c) {
        category.emplace_back(analysis::to_string(e.category[c]));
        hot.push_back(e.hot_steps[c]);
        cold.push_back(e.cold_steps[c]);
        count_z.push_back(e.count_trend[c].z);
        count_p.push_back(e.count_trend[c].p);
        count_dir.push_back(e.count_trend[c].direction);
        gi_z.push_back(e.gi_trend[c].z);
        gi_p.push_back(e.gi_trend[c].p);
        gi_dir.push_back(e.gi_trend[c].direction);
    };
    if (keep)
        for (std::size_t c : *keep)
            add(c);
    else
        for (std::size_t c = 0; c < e.category.size(); ++c)
            add(c);
    sink.column(layer, {"ehs_category", std::move(category)});
    sink.column(layer, {"ehs_hot_steps", std::move(hot)});
    sink.column(layer, {"ehs_cold_steps", std::move(cold)});
    sink.column(layer, {"trend_count_z", std::move(count_z)});
    sink.column(layer, {"trend_count_p", std::move(count_p)});
    sink.column(layer, {"trend_count_dir", std::move(count_dir)});
    sink.column(layer, {"trend_gi_z", std::move(gi_z)});
    sink.column(layer, {"trend_gi_p", std::move(gi_p)});
    sink.column(layer, {"trend_gi_dir", std::move(gi_dir)});
}

class EmergingStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "emerging"; }
    std::string_view label() const noexcept override { return "space-time"; }
    std::vector<std::string_view> needs() const override { return {"weights", "count"}; }

    void run(CityContext& ctx, Progress&) const override {
        ctx.time.emplace();
        emerging_stage(time_input(ctx), ctx.manifest->analysis, *ctx.time);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        if (!ctx.time->emerging) return;
        const analysis::EmergingResult& e = ctx.time->emerging->result;
        emit_emerging(sink, "grid", e, nullptr);
        // The cells with a pattern, as their own styled layer.
        io::LayerData& d = sink.layer("emerging_hotspots");
        d.description = describe(ctx, "emerging_hotspots");
        d.srs = ctx.target.get();
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb>& geom = sink.own();
        std::vector<std::int64_t> cell_id;
        std::vector<std::size_t> keep;
        for (std::size_t c = 0; c < e.category.size(); ++c)
            if (e.category[c] != analysis::EhsaCategory::no_pattern) {
                geom.push_back(ctx.grid.geometry[c]);
                cell_id.push_back(static_cast<std::int64_t>(c) + 1);
                keep.push_back(c);
            }
        d.wkb = &geom;
        sink.column("emerging_hotspots", {"cell_id", std::move(cell_id)});
        emit_emerging(sink, "emerging_hotspots", e, &keep);
    }
};

} // namespace

const Stage& stages::emerging() {
    static const EmergingStage s;
    return s;
}

} // namespace vigia::engine
