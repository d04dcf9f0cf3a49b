// The weights stage: the neighbours of grid cells and of sub-units, built once per city and
// shared by every later stage and category (docs/methods.md §7).

#include "engine/stages/stages.hpp"

namespace vigia::engine {

namespace {

class WeightsStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "weights"; }
    std::vector<std::string_view> needs() const override { return {"grid"}; }
    bool shows_progress() const noexcept override { return false; }
    void run(CityContext& ctx, Progress&) const override {
        ctx.weights = stage_weights(ctx.grid, ctx.units, ctx.manifest->analysis);
    }
};

} // namespace

const Stage& stages::weights() {
    static const WeightsStage s;
    return s;
}

} // namespace vigia::engine
