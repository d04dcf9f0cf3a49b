// The interventions stage: evaluates each [[city.interventions]] programme where it ran and
// emits its areas, effects and monthly series (docs/methods.md §19).

#include "engine/labels.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigia::engine {

namespace {

constexpr std::int64_t kDay = 86400;

/// The data's span in whole days, [first, end): the manifest's period, else from the first
/// counted incident known to its month to the end of the day of the last one's interval
/// (counts: the first to the last month of the rows known to their month). Records the city
/// does not count (outside the boundary) or cannot place in a month do not stretch it.
std::pair<std::int64_t, std::int64_t> data_span(const CityContext& ctx) {
    const AnalysisParams& a = ctx.manifest->analysis;
    if (a.period) return {a.period->first, a.period->second + 1};
    std::int64_t first = std::numeric_limits<std::int64_t>::max();
    std::int64_t end = std::numeric_limits<std::int64_t>::min();
    if (ctx.points) {
        const analysis::Incidents& inc = ctx.points->incidents;
        for (std::size_t i = 0; i < inc.size(); ++i) {
            if (inc.time[i] == analysis::kNoTime || inc.time_span[i] > 31 * kDay) continue;
            first = std::min(first, inc.time[i]);
            end = std::max(end, inc.time[i] + std::max<std::int64_t>(1, inc.time_span[i]));
        }
    } else {
        const analysis::AreaCounts& ac = ctx.counts->counts;
        for (std::size_t r = 0; r < ac.size(); ++r) {
            if (ac.year[r] <= 0 || ac.month[r] <= 0) continue;
            const analysis::Month m = analysis::month_of(ac.year[r], ac.month[r]);
            first = std::min(first, month_start(m));
            end = std::max(end, month_start(m + 1));
        }
    }
    if (end == std::numeric_limits<std::int64_t>::min())
        return {analysis::kNoTime, analysis::kNoTime};
    auto floor_day = [](std::int64_t s) { return s - ((s % kDay) + kDay) % kDay; };
    return {floor_day(first), floor_day(end - 1) + kDay};
}

/// The reading of WDQ in the batch's language, or why it is not reported.
std::string reading(const KindResult& k, const SiteResult& s, Language language) {
    if (!s.evaluation) return {};
    if (!k.areas.has_buffer || !s.evaluation->displacement)
        return text(language, "reading.no_buffer");
    const analysis::Displacement& d = *s.evaluation->displacement;
    if (d.wdq) return text(language, "reading." + d.reading);
    const analysis::BeforeAfter& c = s.evaluation->control;
    return text(language,
                c.before == 0 || c.after == 0 ? "reading.no_control" : "reading.not_improved");
}

class InterventionsStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "interventions"; }
    std::string_view label() const noexcept override { return "programme evaluation"; }
    std::vector<std::string_view> needs() const override { return {"count"}; }
    bool applies(const CityContext& ctx) const override { return !ctx.city->interventions.empty(); }

    void run(CityContext& ctx, Progress&) const override {
        InterventionInput in;
        in.city = ctx.city;
        in.target = ctx.target.get();
        in.boundary = &ctx.boundary;
        if (ctx.points) {
            in.incidents = &ctx.points->incidents;
        } else {
            in.counts = &ctx.counts->counts;
            in.units = &ctx.units.wkb;
            in.monthly = ctx.counts->monthly;
        }
        std::tie(in.time_first, in.time_end) = data_span(ctx);
        in.iccs_of_category = &ctx.iccs_of_category;
        ctx.interventions = intervention_stage(in);
        for (const std::string& w : ctx.interventions->warnings)
            ctx.warnings.push_back(w);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        const Language language = ctx.manifest->analysis.language;
        const double nan = std::nan("");
        {
            io::LayerData& d = sink.layer("interventions");
            d.description = describe(ctx, "interventions");
            d.srs = ctx.target.get();
            d.geometry_type = wkbMultiPolygon;
            auto& geom = sink.own();
            std::vector<std::string> kind, name, zone, start, end;
            std::vector<std::int64_t> site;
            std::vector<double> km2;
            for (const KindResult& k : ctx.interventions->kinds)
                for (const SiteResult& s : k.sites)
                    for (int z = 0; z < (k.areas.has_buffer ? 2 : 1); ++z) {
                        const std::size_t i = static_cast<std::size_t>(s.site_id - 1);
                        geom.push_back(z == 0 ? k.areas.target[i] : k.areas.buffer[i]);
                        kind.push_back(k.config->kind);
                        site.push_back(s.site_id);
                        name.push_back(s.name);
                        zone.push_back(z == 0 ? "target" : "buffer");
                        start.push_back(s.start);
                        end.push_back(s.end);
                        km2.push_back(z == 0 ? k.areas.target_km2[i] : k.areas.buffer_km2[i]);
                    }
            d.wkb = &geom;
            sink.column("interventions", {"kind", std::move(kind)});
            sink.column("interventions", {"site_id", std::move(site)});
            sink.column("interventions", {"name", std::move(name)});
            sink.column("interventions", {"zone", std::move(zone)});
            sink.column("interventions", {"start", std::move(start)});
            sink.column("interventions", {"end", std::move(end)});
            sink.column("interventions", {"area_km2", std::move(km2)});
        }
        {
            io::LayerData& d = sink.layer("intervention_effects");
            d.description = describe(ctx, "intervention_effects");
            std::vector<std::string> level, kind, name, status, start, bf, bt, af, at, left,
                estimate, read;
            std::vector<std::int64_t> site, mb, ma, corrected, k_sites, k_cities;
            std::vector<double> tb, ta, ub, ua, cb, ca, disp, res, lo, hi, lr, se, z, p, wdq, tne,
                tau2, i2, q, qp;
            auto pooled = [&](const analysis::Pooled* pl) {
                res.push_back(pl ? std::exp(pl->estimate) : nan);
                lo.push_back(pl ? std::exp(pl->ci_low) : nan);
                hi.push_back(pl ? std::exp(pl->ci_high) : nan);
                lr.push_back(pl ? pl->estimate : nan);
                se.push_back(pl ? pl->se : nan);
                z.push_back(pl ? pl->z : nan);
                p.push_back(pl ? pl->p : nan);
            };
            for (const KindResult& k : ctx.interventions->kinds) {
                const std::string how = k.estimate ? "areal weighting" : "incidents";
                for (const SiteResult& s : k.sites) {
                    const analysis::SiteEvaluation* e = s.evaluation ? &*s.evaluation : nullptr;
                    const bool windows =
                        s.status == "ok" || s.status.rfind("empty control", 0) == 0;
                    level.push_back("site");
                    kind.push_back(k.config->kind);
                    site.push_back(s.site_id);
                    name.push_back(s.name);
                    status.push_back(s.status);
                    start.push_back(s.start);
                    bf.push_back(windows ? analysis::month_text(s.windows.before_first) : "");
                    bt.push_back(windows ? analysis::month_text(s.windows.before_last) : "");
                    af.push_back(windows ? analysis::month_text(s.windows.after_first) : "");
                    at.push_back(windows ? analysis::month_text(s.windows.after_last) : "");
                    mb.push_back(windows ? s.windows.before_months() : 0);
                    ma.push_back(windows ? s.windows.after_months() : 0);
                    left.push_back(s.left_out);
                    estimate.push_back(how);
                    tb.push_back(e ? e->target.before : nan);
                    ta.push_back(e ? e->target.after : nan);
                    ub.push_back(e && k.areas.has_buffer ? e->buffer.before : nan);
                    ua.push_back(e && k.areas.has_buffer ? e->buffer.after : nan);
                    cb.push_back(e ? e->control.before : nan);
                    ca.push_back(e ? e->control.after : nan);
                    disp.push_back(e ? e->effect.dispersion : nan);
                    corrected.push_back(e && e->effect.corrected ? 1 : 0);
                    res.push_back(e ? e->effect.res : nan);
                    lo.push_back(e ? e->effect.ci_low : nan);
                    hi.push_back(e ? e->effect.ci_high : nan);
                    lr.push_back(e ? e->effect.log_res : nan);
                    se.push_back(e ? std::sqrt(e->effect.variance) : nan);
                    z.push_back(e ? e->effect.z : nan);
                    p.push_back(e ? e->effect.p : nan);
                    const analysis::Displacement* dq =
                        e && e->displacement ? &*e->displacement : nullptr;
                    wdq.push_back(dq && dq->wdq ? *dq->wdq : nan);
                    tne.push_back(dq ? dq->total_net_effect : nan);
                    read.push_back(reading(k, s, language));
                    k_sites.push_back(1);
                    k_cities.push_back(1);
                    for (auto* v : {&tau2, &i2, &q, &qp})
                        v->push_back(nan);
                }
                // The city's pool of its sites.
                const analysis::Pooled& pl = *k.pooled;
                level.push_back("city");
                kind.push_back(k.config->kind);
                site.push_back(0);
                name.push_back(ctx.city->name);
                status.push_back("ok");
                for (auto* v : {&start, &bf, &bt, &af, &at, &left})
                    v->push_back("");
                mb.push_back(0);
                ma.push_back(0);
                estimate.push_back(how);
                for (auto* v : {&tb, &ta, &ub, &ua, &cb, &ca, &disp, &wdq, &tne})
                    v->push_back(nan);
                corrected.push_back(0);
                pooled(&pl);
                read.push_back("");
                k_sites.push_back(static_cast<std::int64_t>(pl.k));
                k_cities.push_back(1);
                tau2.push_back(pl.tau2);
                i2.push_back(pl.i2);
                q.push_back(pl.q);
                qp.push_back(pl.q_p);
            }
            const std::string t = "intervention_effects";
            sink.column(t, {"level", std::move(level)});
            sink.column(t, {"kind", std::move(kind)});
            sink.column(t, {"site_id", std::move(site)});
            sink.column(t, {"name", std::move(name)});
            sink.column(t, {"status", std::move(status)});
            sink.column(t, {"start", std::move(start)});
            sink.column(t, {"before_from", std::move(bf)});
            sink.column(t, {"before_to", std::move(bt)});
            sink.column(t, {"after_from", std::move(af)});
            sink.column(t, {"after_to", std::move(at)});
            sink.column(t, {"months_before", std::move(mb)});
            sink.column(t, {"months_after", std::move(ma)});
            sink.column(t, {"left_out", std::move(left)});
            sink.column(t, {"estimate", std::move(estimate)});
            sink.column(t, {"target_before", std::move(tb)});
            sink.column(t, {"target_after", std::move(ta)});
            sink.column(t, {"buffer_before", std::move(ub)});
            sink.column(t, {"buffer_after", std::move(ua)});
            sink.column(t, {"control_before", std::move(cb)});
            sink.column(t, {"control_after", std::move(ca)});
            sink.column(t, {"dispersion", std::move(disp)});
            sink.column(t, {"corrected", std::move(corrected)});
            sink.column(t, {"res", std::move(res)});
            sink.column(t, {"res_ci_low", std::move(lo)});
            sink.column(t, {"res_ci_high", std::move(hi)});
            sink.column(t, {"log_res", std::move(lr)});
            sink.column(t, {"log_res_se", std::move(se)});
            sink.column(t, {"z", std::move(z)});
            sink.column(t, {"p", std::move(p)});
            sink.column(t, {"wdq", std::move(wdq)});
            sink.column(t, {"total_net_effect", std::move(tne)});
            sink.column(t, {"reading", std::move(read)});
            sink.column(t, {"k_sites", std::move(k_sites)});
            sink.column(t, {"k_cities", std::move(k_cities)});
            sink.column(t, {"tau2", std::move(tau2)});
            sink.column(t, {"i2", std::move(i2)});
            sink.column(t, {"q", std::move(q)});
            sink.column(t, {"q_p", std::move(qp)});
        }
        {
            io::LayerData& d = sink.layer("intervention_series");
            d.description = describe(ctx, "intervention_series");
            std::vector<std::string> kind, name, month, window;
            std::vector<std::int64_t> site;
            std::vector<double> target, buffer, control;
            for (const KindResult& k : ctx.interventions->kinds)
                for (const SiteResult& s : k.sites) {
                    if (!s.evaluation) continue;
                    const std::size_t i = static_cast<std::size_t>(s.site_id - 1);
                    const analysis::Windows& w = s.windows;
                    for (analysis::Month m = w.before_first; m <= w.after_last; ++m) {
                        const bool before = m <= w.before_last;
                        if (!before && m < w.after_first) continue; // a partial start month
                        const auto col = static_cast<std::size_t>(k.counts.column(m));
                        kind.push_back(k.config->kind);
                        site.push_back(s.site_id);
                        name.push_back(s.name);
                        month.push_back(analysis::month_text(m));
                        window.push_back(before ? "before" : "after");
                        target.push_back(k.counts.target[i][col]);
                        buffer.push_back(k.areas.has_buffer ? k.counts.buffer[i][col] : nan);
                        control.push_back(k.counts.control[col]);
                    }
                }
            const std::string t = "intervention_series";
            sink.column(t, {"kind", std::move(kind)});
            sink.column(t, {"site_id", std::move(site)});
            sink.column(t, {"name", std::move(name)});
            sink.column(t, {"month", std::move(month)});
            sink.column(t, {"window", std::move(window)});
            sink.column(t, {"target", std::move(target)});
            sink.column(t, {"buffer", std::move(buffer)});
            sink.column(t, {"control", std::move(control)});
        }
    }
};

} // namespace

const Stage& stages::interventions() {
    static const InterventionsStage s;
    return s;
}

} // namespace vigia::engine
