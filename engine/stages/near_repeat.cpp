// The near-repeat stage: the Knox test of incident points, for all incidents and each
// category (docs/methods.md §16).

#include "engine/stages/stages.hpp"

#include <cmath>

namespace vigia::engine {

namespace {

class NearRepeatStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "near_repeat"; }
    std::vector<std::string_view> needs() const override { return {"emerging"}; }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        near_repeat_stage(time_input(ctx), ctx.manifest->analysis, *ctx.time);
        // The time stage's warnings, emerging and near repeat alike, in their order.
        for (const auto& w : ctx.time->warnings)
            ctx.warnings.push_back(w);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        if (ctx.time->near_repeat.empty()) return;
        io::LayerData& d = sink.layer("near_repeat");
        d.description = describe(ctx, "near_repeat");
        std::vector<std::string> category;
        std::vector<std::int64_t> space_band, time_band;
        std::vector<double> from_m, to_m, days_from, days_to, observed, expected, ratio, p;
        for (const NearRepeatOutput& nr : ctx.time->near_repeat) {
            if (nr.skipped) continue;
            for (const analysis::KnoxCell& c : nr.result.cells) {
                category.push_back(nr.category);
                space_band.push_back(c.space_band);
                time_band.push_back(c.time_band);
                from_m.push_back(c.distance_from_m);
                to_m.push_back(std::isfinite(c.distance_to_m) ? c.distance_to_m : std::nan(""));
                days_from.push_back(c.days_from);
                days_to.push_back(std::isfinite(c.days_to) ? c.days_to : std::nan(""));
                observed.push_back(c.observed);
                expected.push_back(c.expected);
                ratio.push_back(c.ratio);
                p.push_back(c.p);
            }
        }
        sink.column("near_repeat", {"category", std::move(category)});
        sink.column("near_repeat", {"space_band", std::move(space_band)});
        sink.column("near_repeat", {"distance_from_m", std::move(from_m)});
        sink.column("near_repeat", {"distance_to_m", std::move(to_m)});
        sink.column("near_repeat", {"time_band", std::move(time_band)});
        sink.column("near_repeat", {"days_from", std::move(days_from)});
        sink.column("near_repeat", {"days_to", std::move(days_to)});
        sink.column("near_repeat", {"observed", std::move(observed)});
        sink.column("near_repeat", {"expected", std::move(expected)});
        sink.column("near_repeat", {"ratio", std::move(ratio)});
        sink.column("near_repeat", {"p", std::move(p)});
    }
};

} // namespace

const Stage& stages::near_repeat() {
    static const NearRepeatStage s;
    return s;
}

} // namespace vigia::engine
