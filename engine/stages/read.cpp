// The read stage: the city's incident points, or its counts or records per area, as
// published (docs/methods.md §3–§5); and the layers of records: incidents or unit_counts,
// and rejected.

#include "engine/intake.hpp"
#include "engine/stages/stages.hpp"
#include "io/counts_reader.hpp"
#include "io/incident_reader.hpp"
#include "io/time_detect.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

class ReadStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "read"; }
    std::string_view label() const noexcept override { return "reading incidents"; }
    std::vector<std::string_view> needs() const override { return {"grid"}; }

    void run(CityContext& ctx, Progress& progress) const override {
        const CityConfig& city = *ctx.city;
        const AnalysisParams& a = ctx.manifest->analysis;
        if (city.incidents) {
            ctx.points = io::read_incidents(*city.incidents, *ctx.target, a.period,
                                            [&](double f) { progress.update(f); });
            for (const auto& w : ctx.points->warnings)
                ctx.warnings.push_back(w);
            return;
        }
        ctx.counts = io::read_counts(*city.counts, ctx.unit_keys, ctx.units.names,
                                     ctx.unit_area_km2, a.period);
        const io::CountsRead& read = *ctx.counts;
        for (const auto& w : read.warnings)
            ctx.warnings.push_back(w);
        const io::CountsSourceSpec& s = *city.counts;
        IntakeSource src;
        src.where = fmt::format("{} layer '{}'", s.path, read.layer);
        src.time_field = !s.time.empty() ? s.time.describe()
                                         : (s.month.empty() ? s.year : s.year + ", " + s.month);
        src.location_field = s.key;
        src.time_suggestion = read.time_suggestion;
        src.location_suggestion = read.key_suggestion;
        src.max_rejected_share = city.max_rejected_share;
        check_rejections(src, read.rejects, read.incidents, read.incidents - read.rejects.total());
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        const analysis::RejectLog* rejects = nullptr;
        if (ctx.points) {
            emit_incidents(ctx, sink);
            rejects = &ctx.points->rejects;
        } else {
            emit_unit_counts(ctx, sink);
            rejects = &ctx.counts->rejects;
        }
        io::LayerData& d = sink.layer("rejected");
        d.description = describe(ctx, "rejected");
        std::vector<std::int64_t> row;
        std::vector<std::string> reason, detail;
        std::vector<double> weight;
        for (const auto& r : rejects->rows()) {
            row.push_back(r.row);
            reason.push_back(to_string(r.reason));
            detail.push_back(r.detail);
            weight.push_back(r.weight);
        }
        sink.column("rejected", {"source_row", std::move(row)});
        sink.column("rejected", {"reason", std::move(reason)});
        sink.column("rejected", {"detail", std::move(detail)});
        if (ctx.counts) sink.column("rejected", {"incidents", std::move(weight)}); // a row's count
    }

private:
    static void emit_incidents(const CityContext& ctx, LayerSink& sink) {
        const analysis::Incidents& inc = ctx.points->incidents;
        io::LayerData& d = sink.layer("incidents");
        d.description = describe(ctx, "incidents");
        d.srs = ctx.target.get();
        d.geometry_type = wkbPoint;
        d.x = &inc.x;
        d.y = &inc.y;
        std::vector<std::int64_t> cell(inc.size());
        for (std::size_t i = 0; i < inc.size(); ++i)
            cell[i] = ctx.assignment->cell[i] + 1;
        std::vector<std::string> category(inc.size()), precision(inc.size());
        for (std::size_t i = 0; i < inc.size(); ++i) {
            if (inc.category[i] >= 0) category[i] = inc.categories[inc.category[i]];
            if (inc.time[i] != analysis::kNoTime)
                precision[i] = io::precision_name(inc.time_span[i]);
        }
        sink.column("incidents", {"source_row", inc.row});
        sink.column("incidents", {"cell_id", std::move(cell)});
        sink.column("incidents", {"time", io::TimeValues{inc.time}});
        sink.column("incidents", {"time_precision", std::move(precision)});
        if (!ctx.iccs_of_category.empty()) {
            std::vector<std::string> iccs(inc.size());
            for (std::size_t i = 0; i < inc.size(); ++i)
                if (inc.category[i] >= 0) iccs[i] = ctx.iccs_of_category[inc.category[i]];
            sink.column("incidents", {"iccs", std::move(iccs)});
        }
        sink.column("incidents", {"category", std::move(category)});
    }

    static void emit_unit_counts(const CityContext& ctx, LayerSink& sink) {
        const analysis::AreaCounts& ac = ctx.counts->counts;
        io::LayerData& d = sink.layer("unit_counts");
        d.description = describe(ctx, "unit_counts");
        std::vector<std::string> unit(ac.size()), category(ac.size());
        std::vector<std::int64_t> year(ac.year.begin(), ac.year.end()),
            month(ac.month.begin(), ac.month.end()), unit_id(ac.size());
        for (std::size_t i = 0; i < ac.size(); ++i) {
            unit[i] = ctx.units.names[ac.unit[i]];
            unit_id[i] = ac.unit[i] + 1;
            if (ac.category[i] >= 0) category[i] = ac.categories[ac.category[i]];
        }
        sink.column("unit_counts", {"unit_id", std::move(unit_id)});
        sink.column("unit_counts", {"unit", std::move(unit)});
        sink.column("unit_counts", {"category", std::move(category)});
        sink.column("unit_counts", {"year", std::move(year)});
        sink.column("unit_counts", {"month", std::move(month)});
        sink.column("unit_counts", {"count", ac.count});
        if (!ctx.iccs_of_category.empty()) {
            std::vector<std::string> iccs(ac.size());
            for (std::size_t i = 0; i < ac.size(); ++i)
                if (ac.category[i] >= 0) iccs[i] = ctx.iccs_of_category[ac.category[i]];
            sink.column("unit_counts", {"iccs", std::move(iccs)});
        }
    }
};

} // namespace

const Stage& stages::read() {
    static const ReadStage s;
    return s;
}

} // namespace vigia::engine
