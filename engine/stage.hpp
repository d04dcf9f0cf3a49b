#pragma once
/// \file
/// A stage of a city's run (PDAL's stage lifecycle, smaller): a name, the stages it needs,
/// whether it applies to the city, what it computes on the CityContext, and the layers it
/// emits (declared in engine/layers.cpp). The method is one fixed list of stages, the same in
/// every city (engine/stages/stages.hpp); there are no plugins and no user pipelines.

#include "engine/context.hpp"
#include "engine/layers.hpp"
#include "engine/progress.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::engine {

class Stage {
public:
    virtual ~Stage() = default;
    /// "hotspots": names errors ("Zapopan, hotspots: ..."), timings and dependencies.
    virtual std::string_view name() const noexcept = 0;
    /// What the progress line says ("hot spots").
    virtual std::string_view label() const noexcept { return name(); }
    /// Stages that must have run before this one (a logic error otherwise).
    virtual std::vector<std::string_view> needs() const { return {}; }
    /// False when the stage has nothing to do for this city (no facilities, counts input).
    virtual bool applies(const CityContext&) const { return true; }
    /// Computes the stage's part of the context; warnings go to ctx.warnings. Throws
    /// VigiaError subclasses for bad input.
    virtual void run(CityContext& ctx, Progress& progress) const = 0;
    /// Emits the stage's layers and columns (after every stage ran).
    virtual void emit(const CityContext&, LayerSink&) const {}
    /// Whether progress is shown for the stage (fast stages stay quiet).
    virtual bool shows_progress() const noexcept { return true; }
};

/// Runs the stages in order on the context: checks each one's needs, times it (timings
/// `<name>_s`), shows its progress, and prefixes any error with "<city>, <stage>: ".
void run_stages(const std::vector<const Stage*>& stages, CityContext& ctx, Progress& progress);

/// The description of an emitted layer in the batch's language (data/i18n/layers.csv), with
/// `{city}` and the layer name's own placeholder (`{kind}`) filled in, and `values` for the rest
/// (`{radius_m}`, `{cell_size_m}` …).
std::string describe(const CityContext& ctx, std::string_view layer,
                     std::map<std::string, std::string> values = {});

/// Every stage emits its layers into the sink, in order.
void emit_layers(const std::vector<const Stage*>& stages, const CityContext& ctx, LayerSink& sink);

} // namespace vigia::engine
