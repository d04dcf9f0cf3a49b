#include "engine/what_works.hpp"

#include "engine/labels.hpp"
#include "engine/publish.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigia::engine {

std::vector<KindEvidence> what_works(const std::vector<CityProgrammes>& cities, double min_count) {
    std::vector<KindEvidence> out;
    for (const CityProgrammes& c : cities)
        for (const ProgrammeEffect& e : c.effects) {
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const KindEvidence& k) { return k.kind == e.kind; });
            if (it == out.end()) {
                out.push_back({e.kind, {}, {}, std::nullopt, 0});
                it = out.end() - 1;
            }
            if (e.withheld || suppressed_count(e.smallest_count, min_count)) {
                it->withheld.emplace_back(&c, &e);
                continue;
            }
            it->cities.emplace_back(&c, &e);
            it->k_sites += e.k_sites;
        }
    for (KindEvidence& k : out) {
        if (k.cities.empty()) continue;
        std::vector<double> y, v;
        for (const auto& [city, e] : k.cities) {
            y.push_back(e->log_res);
            v.push_back(e->se * e->se);
        }
        k.pooled = analysis::dersimonian_laird(y, v);
    }
    return out;
}

io::LayerData what_works_table(const std::vector<KindEvidence>& kinds, Language language) {
    const std::string alliance = text(language, "alliance");
    io::LayerData d;
    d.name = "what_works";
    d.title = layer_title(language, "what_works", alliance);
    d.description = layer_description(language, "what_works", {{"city", alliance}});
    std::vector<std::string> kind, level, city, slug, note;
    std::vector<std::int64_t> k_sites, k_cities;
    std::vector<double> res, lo, hi, lr, se, z, p, tau2, i2, q, qp;
    auto row = [&](const std::string& kd, const std::string& lv, const std::string& c,
                   const std::string& s, std::size_t sites, std::size_t n, double estimate,
                   double error, double t2, double heterogeneity, double cochran,
                   double cochran_p) {
        kind.push_back(kd);
        level.push_back(lv);
        note.push_back("");
        city.push_back(c);
        slug.push_back(s);
        k_sites.push_back(static_cast<std::int64_t>(sites));
        k_cities.push_back(static_cast<std::int64_t>(n));
        constexpr double z95 = 1.959963984540054;
        res.push_back(std::exp(estimate));
        lo.push_back(std::exp(estimate - z95 * error));
        hi.push_back(std::exp(estimate + z95 * error));
        lr.push_back(estimate);
        se.push_back(error);
        const double zz = estimate / error;
        z.push_back(zz);
        p.push_back(std::erfc(std::abs(zz) / std::sqrt(2.0)));
        tau2.push_back(t2);
        i2.push_back(heterogeneity);
        q.push_back(cochran);
        qp.push_back(cochran_p);
    };
    const double nan = std::nan("");
    for (const KindEvidence& k : kinds) {
        for (const auto& [c, e] : k.cities)
            row(k.kind, "city", c->city, c->slug, e->k_sites, 1, e->log_res, e->se, e->tau2, e->i2,
                e->q, e->q_p);
        // Listed with why, never silently left out.
        for (const auto& [c, e] : k.withheld) {
            row(k.kind, "city", c->city, c->slug, e->k_sites, 1, nan, nan, nan, nan, nan, nan);
            note.back() = "not shared: a site's counts are below [publish] min_count";
        }
        if (!k.pooled) {
            row(k.kind, "alliance", alliance, "", 0, 0, nan, nan, nan, nan, nan, nan);
            note.back() = "no city's pool can be shared";
            continue;
        }
        const analysis::Pooled& pl = *k.pooled;
        row(k.kind, "alliance", alliance, "", k.k_sites, k.cities.size(), pl.estimate, pl.se,
            pl.tau2, pl.i2, pl.q, pl.q_p);
        // The pool's own interval and p, exactly as dersimonian_laird gives them.
        lo.back() = std::exp(pl.ci_low);
        hi.back() = std::exp(pl.ci_high);
        z.back() = pl.z;
        p.back() = pl.p;
        if (!k.withheld.empty())
            note.back() = fmt::format("{} cities not shared and not pooled", k.withheld.size());
    }
    d.columns.push_back({"kind", std::move(kind)});
    d.columns.push_back({"level", std::move(level)});
    d.columns.push_back({"city", std::move(city)});
    d.columns.push_back({"slug", std::move(slug)});
    d.columns.push_back({"k_sites", std::move(k_sites)});
    d.columns.push_back({"k_cities", std::move(k_cities)});
    d.columns.push_back({"res", std::move(res)});
    d.columns.push_back({"res_ci_low", std::move(lo)});
    d.columns.push_back({"res_ci_high", std::move(hi)});
    d.columns.push_back({"log_res", std::move(lr)});
    d.columns.push_back({"log_res_se", std::move(se)});
    d.columns.push_back({"z", std::move(z)});
    d.columns.push_back({"p", std::move(p)});
    d.columns.push_back({"tau2", std::move(tau2)});
    d.columns.push_back({"i2", std::move(i2)});
    d.columns.push_back({"q", std::move(q)});
    d.columns.push_back({"q_p", std::move(qp)});
    d.columns.push_back({"note", std::move(note)});
    return d;
}

namespace {

/// The plot of studies pooled into `pooled`, rows weighted 1/(v + τ²).
io::ForestPlot forest(std::string title, std::string subtitle,
                      const std::vector<ForestStudy>& studies, const analysis::Pooled& pooled,
                      Language language) {
    constexpr double z95 = 1.959963984540054;
    auto ratio_text = [&](double est, double low, double high) {
        return fmt::format("{} [{}, {}]", format_number(language, est, 2),
                           format_number(language, low, 2), format_number(language, high, 2));
    };
    io::ForestPlot plot;
    plot.title = std::move(title);
    plot.subtitle = std::move(subtitle);
    plot.axis_label = text(language, "forest_axis");
    plot.left_note = text(language, "forest_worse");
    plot.right_note = text(language, "forest_better");
    for (const ForestStudy& s : studies) {
        io::ForestRow r;
        r.label = s.label;
        r.estimate = std::exp(s.log_res);
        r.ci_low = std::exp(s.log_res - z95 * s.se);
        r.ci_high = std::exp(s.log_res + z95 * s.se);
        r.weight = 1 / (s.se * s.se + pooled.tau2);
        r.right_text = ratio_text(r.estimate, r.ci_low, r.ci_high);
        plot.rows.push_back(std::move(r));
    }
    plot.pooled.label = text(language, "forest_pooled");
    plot.pooled.estimate = std::exp(pooled.estimate);
    plot.pooled.ci_low = std::exp(pooled.ci_low);
    plot.pooled.ci_high = std::exp(pooled.ci_high);
    plot.pooled.right_text =
        ratio_text(plot.pooled.estimate, plot.pooled.ci_low, plot.pooled.ci_high);
    plot.footer = fill_placeholders(text(language, "forest_footer"),
                                    {{"tau2", format_number(language, pooled.tau2, 3)},
                                     {"i2", format_number(language, pooled.i2, 1)},
                                     {"q", format_number(language, pooled.q, 2)},
                                     {"q_p", format_number(language, pooled.q_p, 3)}},
                                    "forest_footer");
    return plot;
}

} // namespace

io::ForestPlot forest_plot(const KindEvidence& k, Language language) {
    std::vector<ForestStudy> cities;
    for (const auto& [c, e] : k.cities)
        cities.push_back({fmt::format("{} ({})", c->city, e->k_sites), e->log_res, e->se});
    return forest(fmt::format(fmt::runtime(text(language, "forest_title_fmt")), k.kind),
                  fmt::format(fmt::runtime(text(language, "forest_subtitle_fmt")), k.cities.size()),
                  cities, *k.pooled, language);
}

io::ForestPlot city_forest_plot(const std::string& city, const std::string& kind,
                                const std::vector<ForestStudy>& sites,
                                const analysis::Pooled& pooled, Language language) {
    return forest(fmt::format("{} ({})",
                              fmt::format(fmt::runtime(text(language, "forest_title_fmt")), kind),
                              city),
                  fmt::format(fmt::runtime(text(language, "forest_city_subtitle_fmt")), pooled.k),
                  sites, pooled, language);
}

} // namespace vigia::engine
