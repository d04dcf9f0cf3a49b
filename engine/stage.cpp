#include "engine/stage.hpp"

#include "analysis/error.hpp"
#include "engine/labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace vigia::engine {

namespace {

/// The same error type, its message prefixed with the city and the stage.
[[noreturn]] void rethrow(const std::string& prefix) {
    try {
        throw;
    } catch (const ManifestError& e) {
        throw ManifestError{prefix + e.what()};
    } catch (const UsageError& e) {
        throw UsageError{prefix + e.what()};
    } catch (const IoError& e) {
        throw IoError{prefix + e.what()};
    } catch (const InputError& e) {
        throw InputError{prefix + e.what()};
    }
}

} // namespace

void run_stages(const std::vector<const Stage*>& stages, CityContext& ctx, Progress& progress) {
    using Clock = std::chrono::steady_clock;
    for (const Stage* s : stages) {
        if (!s->applies(ctx)) continue;
        for (std::string_view need : s->needs())
            if (std::find(ctx.ran.begin(), ctx.ran.end(), need) == ctx.ran.end())
                throw std::logic_error{
                    fmt::format("stage '{}' needs stage '{}', which has not run", s->name(), need)};
        const auto t0 = Clock::now();
        if (s->shows_progress()) progress.begin(fmt::format("[{}] {}", ctx.city->slug, s->label()));
        try {
            s->run(ctx, progress);
        } catch (const VigiaError&) {
            if (s->shows_progress()) progress.end();
            rethrow(fmt::format("{}, {}: ", ctx.city->name, s->name()));
        }
        if (s->shows_progress()) progress.end();
        ctx.timings.emplace_back(std::string{s->name()} + "_s",
                                 std::chrono::duration<double>(Clock::now() - t0).count());
        ctx.ran.emplace_back(s->name());
    }
}

void emit_layers(const std::vector<const Stage*>& stages, const CityContext& ctx, LayerSink& sink) {
    for (const Stage* s : stages)
        if (std::find(ctx.ran.begin(), ctx.ran.end(), s->name()) != ctx.ran.end())
            s->emit(ctx, sink);
}

std::string describe(const CityContext& ctx, std::string_view layer,
                     std::map<std::string, std::string> values) {
    values.emplace("city", ctx.city->name);
    return layer_description(ctx.manifest->analysis.language, layer, values);
}

} // namespace vigia::engine
