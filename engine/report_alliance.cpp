// The alliance's report page (engine/report.hpp, docs/methods.md §20): the comparison table
// with units, definitions and 95% intervals of the rates, the small-multiple map, the
// overlaid concentration curves, what works, and the cities that failed or are missing; and
// `vigia report DIR`.

#include "analysis/error.hpp"
#include "engine/labels.hpp"
#include "engine/report.hpp"
#include "engine/report_data.hpp"
#include "engine/report_page.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace vigia::engine {

namespace fs = std::filesystem;
using namespace report;

namespace {

/// The cities of alliance.gpkg's metrics table, in order, with their values of category all.
struct AllianceCity {
    std::string name, slug;
    std::map<std::string, double> value;
    double get(const std::string& metric) const {
        const auto it = value.find(metric);
        return it == value.end() ? std::nan("") : it->second;
    }
};

} // namespace

std::pair<double, double> report::poisson_interval(double n) {
    if (!std::isfinite(n) || n < 0) return {std::nan(""), std::nan("")};
    const double lo = n > 0 ? boost::math::gamma_p_inv(n, 0.025) : 0.0;
    const double hi = boost::math::gamma_p_inv(n + 1, 0.975);
    return {lo, hi};
}

namespace {

struct Column {
    std::string metric;
    int decimals = 0;
    bool percent = false, count = false;
    std::string per; ///< for a rate: the metric it is per ("area_km2", "residents")
    double scale = 1;
};

/// The report key of a comparison column's heading.
std::string column_label(const std::string& metric) {
    static const std::map<std::string, std::string> labels{
        {"incidents", "card_incidents"},
        {"months", "col_months"},
        {"incidents_per_year", "col_per_year"},
        {"incidents_per_100k_per_year", "col_per_100k_year"},
        {"area_share_50", "card_area_share_50"},
        {"gini", "col_gini"},
        {"hotspot_areas", "card_hotspot_areas"},
        {"hot_incident_share", "card_hot_incident_share"},
        {"trend_sen_slope", "col_sen_slope"}};
    return labels.at(metric);
}

} // namespace

fs::path write_alliance_report(const fs::path& dir, const std::vector<MissingCity>& missing,
                               bool overwrite, const std::map<std::string, fs::path>& city_dirs,
                               bool rebuilt) {
    const fs::path gpkg = dir / "alliance.gpkg";
    if (!fs::exists(gpkg))
        throw InputError{
            fmt::format("{}: no such file: the alliance report is made from it", gpkg.string())};
    const io::TableColumns t =
        io::read_table(gpkg, "metrics", {"value"},
                       {"city", "slug", "category", "metric", "unit", "description"}, false);
    std::vector<AllianceCity> cities;
    std::map<std::string, std::string> unit, description;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < t.rows; ++i) {
        if (t.texts.at("category")[i] != "all") continue;
        const std::string& slug = t.texts.at("slug")[i];
        if (cities.empty() || cities.back().slug != slug)
            cities.push_back({t.texts.at("city")[i], slug, {}});
        const std::string& m = t.texts.at("metric")[i];
        cities.back().value[m] = t.numbers.at("value")[i];
        if (!unit.count(m)) {
            unit[m] = t.texts.at("unit")[i];
            description[m] = t.texts.at("description")[i];
            order.push_back(m);
        }
    }
    // The language and the publication of the batch: of its first city's file.
    Language language = Language::en;
    double min_count = 0;
    std::vector<CityOutputs> outputs;
    std::vector<std::string> left_out;
    for (const AllianceCity& c : cities) {
        try {
            const auto it = city_dirs.find(c.slug);
            outputs.push_back(
                read_city_outputs(it == city_dirs.end() ? dir : it->second, c.slug, true));
        } catch (const InputError&) {
            // A merged city whose file is elsewhere: its curve is left out (said below).
            left_out.push_back(c.name);
        }
    }
    if (!outputs.empty()) {
        language = outputs.front().language;
        min_count = outputs.front().min_count;
    }
    const Words w{language};
    const Language L = language;

    std::string body = fmt::format(
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{} <span "
        "class=\"badge\">{}</span></p>\n</header>\n",
        escape(w("alliance_title")),
        escape(w("alliance_sub", {{"cities", number(L, static_cast<double>(cities.size()), 0)}})),
        escape(min_count > 0 ? w("public_copy", {{"min", number(L, min_count, 0)}})
                             : w("public_no_threshold")));

    // The comparison table.
    auto col = [](std::string metric, int decimals, bool pct = false, bool is_count = false,
                  std::string per = {}, double scale = 1) {
        return Column{std::move(metric), decimals, pct, is_count, std::move(per), scale};
    };
    // Rates per year, so that cities with data over different spans compare.
    std::vector<Column> columns{
        col("incidents", 0, false, true),
        col("months", 0),
        col("incidents_per_year", 0),
        col("incidents_per_100k_per_year", 1, false, false, "residents", 1e5),
        col("area_share_50", 1, true),
        col("gini", 3),
        col("hotspot_areas", 0),
        col("hot_incident_share", 1, true),
        col("trend_sen_slope", 1)};
    std::erase_if(columns, [&](const Column& c) { return !unit.count(c.metric); });
    body +=
        fmt::format("<section id=\"comparison\">\n<h2>{}</h2>\n<p>{}</p>\n<table>\n<thead><tr><th "
                    "scope=\"col\">{}</th>",
                    escape(w("comparison")), escape(w("comparison_intro")), escape(w("city")));
    for (const Column& c : columns)
        body += fmt::format("<th scope=\"col\" class=\"n\">{}<br><a class=\"note\" "
                            "href=\"#def-{}\"><code>{}</code></a></th>",
                            escape(w(column_label(c.metric))), escape(c.metric), escape(c.metric));
    body += "</tr></thead>\n<tbody>\n";
    for (const AllianceCity& c : cities) {
        body += fmt::format("<tr><th scope=\"row\">{}</th>", escape(c.name));
        for (const Column& column : columns) {
            const double v = c.get(column.metric);
            std::string cell = metric_value(L, c.slug, column.metric, v, column.decimals,
                                            column.percent, column.count);
            if (!column.per.empty() && std::isfinite(v) && std::isfinite(c.get("incidents")) &&
                c.get(column.per) > 0) {
                // Per year: the count's interval over the residents and the years covered.
                const double n = c.get("incidents");
                const double years = n / c.get("incidents_per_year");
                const auto [lo, hi] = poisson_interval(n);
                const double per =
                    c.get(column.per) * (std::isfinite(years) && years > 0 ? years : std::nan(""));
                cell += fmt::format("<br><span class=\"note\">{} – {}</span>",
                                    escape(number(L, lo / per * column.scale, column.decimals)),
                                    escape(number(L, hi / per * column.scale, column.decimals)));
            }
            body += fmt::format("<td class=\"n\">{}</td>", cell);
        }
        body += "</tr>\n";
    }
    body += fmt::format("</tbody></table>\n<p class=\"note\">{}</p>\n<dl class=\"params\">\n",
                        escape(w("interval_note")));
    for (const Column& c : columns)
        body += fmt::format("<div id=\"def-{}\"><dt><code>{}</code></dt><dd>{}</dd></div>\n",
                            escape(c.metric), escape(c.metric), escape(description[c.metric]));
    body += "</dl>\n</section>\n";

    // The small multiples on one legend (alliance.png), and the overlaid curves.
    body += fmt::format("<section id=\"alliance-maps\" class=\"major\">\n<h2>{}</h2>\n",
                        escape(w("alliance_maps")));
    if (fs::exists(dir / "alliance.png"))
        body +=
            fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n",
                        image(read_file(dir / "alliance.png"), "image/png", w("alliance_map_alt")),
                        escape(w("alliance_map_caption")));
    io::LineChart chart = lorenz_frame(w);
    std::string alt;
    for (const CityOutputs& o : outputs) {
        io::TableColumns lz = o.table("lorenz", {"place_share", "incident_share"}, {"category"});
        io::ChartSeries s{o.name, {}, {}};
        s.colour = io::series_colour(chart.series.size() - 1);
        for (std::size_t i = 0; i < lz.rows; ++i)
            if (lz.texts["category"][i] == "all") {
                s.x.push_back(lz.numbers["place_share"][i]);
                s.y.push_back(lz.numbers["incident_share"][i]);
            }
        if (s.x.empty()) continue;
        alt += (alt.empty() ? "" : ", ") +
               fmt::format("{} (Gini {})", o.name, number(L, o.stats.get("gini"), 3));
        chart.series.push_back(std::move(s));
    }
    body += fmt::format("<h3>{}</h3>\n", escape(w("concentration")));
    if (chart.series.size() > 1)
        body += fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n",
                            image(io::line_chart_svg(chart), "image/svg+xml",
                                  w("alliance_lorenz_alt", {{"cities", alt}})),
                            escape(w("lorenz_caption")));
    if (!left_out.empty()) {
        std::string names;
        for (const std::string& n : left_out)
            names += (names.empty() ? "" : ", ") + n;
        body += fmt::format("<p class=\"note\">{}</p>\n",
                            escape(w("curve_left_out", {{"cities", names}})));
    }
    body += "</section>\n";

    // What works.
    const io::TableColumns ww = io::read_table(
        gpkg, "what_works", {"k_sites", "k_cities", "res", "res_ci_low", "res_ci_high", "p", "i2"},
        {"kind", "level", "city", "note"}, false);
    if (ww.exists && ww.rows > 0) {
        body += fmt::format(
            "<section id=\"what-works\" "
            "class=\"major\">\n<h2>{}</h2>\n<p>{}</p>\n<table>\n<thead><tr>"
            "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" "
            "class=\"n\">{}</th>"
            "<th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th>"
            "<th scope=\"col\" class=\"n\">p</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            escape(w("what_works")), escape(w("what_works_intro")), escape(w("programme")),
            escape(w("city")), escape(w("sites")), escape(w("res")), escape(w("ci95")),
            escape(w("note")));
        for (std::size_t i = 0; i < ww.rows; ++i) {
            const double lo = ww.numbers.at("res_ci_low")[i], hi = ww.numbers.at("res_ci_high")[i];
            const double p = ww.numbers.at("p")[i];
            body +=
                fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td "
                            "class=\"n\">{}</td>"
                            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                            escape(ww.texts.at("kind")[i]), escape(ww.texts.at("city")[i]),
                            escape(number(L, ww.numbers.at("k_sites")[i], 0)),
                            escape(number(L, ww.numbers.at("res")[i], 2)),
                            std::isfinite(lo)
                                ? escape(fmt::format("{} – {}", number(L, lo, 2), number(L, hi, 2)))
                                : "—",
                            escape(std::isfinite(p) && p < 0.001 ? "< 0.001" : number(L, p, 3)),
                            escape(ww.texts.at("note")[i]));
        }
        body += "</tbody></table>\n";
        std::set<std::string> kinds(ww.texts.at("kind").begin(), ww.texts.at("kind").end());
        for (const std::string& kind : kinds)
            if (const fs::path f = dir / fmt::format("forest_{}.png", kind); fs::exists(f))
                body +=
                    fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n",
                                image(read_file(f), "image/png", w("forest_alt", {{"kind", kind}})),
                                escape(w("forest_caption")));
        body += "</section>\n";
    }

    // Failed and missing cities.
    body += fmt::format("<section id=\"missing\">\n<h2>{}</h2>\n", escape(w("missing")));
    if (missing.empty()) {
        body += fmt::format("<p>{}</p>\n", escape(w(rebuilt ? "rebuilt_missing" : "none_missing")));
    } else {
        body += fmt::format("<table>\n<thead><tr><th scope=\"col\">{}</th><th "
                            "scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                            escape(w("city")), escape(w("reason")));
        for (const MissingCity& m : missing)
            body += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", escape(m.slug),
                                escape(w(m.failed ? "city_failed" : "task_missing")));
        body += "</tbody></table>\n";
    }
    body += fmt::format("<p class=\"note\">{}</p>\n</section>\n", escape(w("methods_doc")));

    const fs::path path = dir / "alliance_report.html";
    write_page(path, page(L, w("alliance_title"), body), overwrite);
    return path;
}

std::vector<fs::path> report_paths(const fs::path& dir, const std::vector<std::string>& slugs,
                                   bool alliance, bool private_copy) {
    std::vector<fs::path> out;
    for (const std::string& s : slugs) {
        out.push_back(dir / (s + "_report.html"));
        if (private_copy) out.push_back(dir / (s + "_report_private.html"));
    }
    if (alliance) out.push_back(dir / "alliance_report.html");
    return out;
}

ReportResult rebuild_reports(const fs::path& dir, const ReportOptions& options) {
    std::set<std::string> slugs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.path().extension() != ".gpkg" || name == "alliance.gpkg" || name[0] == '.') continue;
        std::string stem = e.path().stem().string();
        if (stem.size() > 7 && stem.compare(stem.size() - 7, 7, "_public") == 0)
            stem.resize(stem.size() - 7);
        slugs.insert(stem);
    }
    if (ec) throw InputError{fmt::format("{}: cannot be listed: {}", dir.string(), ec.message())};
    if (slugs.empty())
        throw InputError{fmt::format("{}: holds no city GeoPackage (<slug>.gpkg or "
                                     "<slug>_public.gpkg) to make reports from",
                                     dir.string())};
    // Nothing is replaced without --overwrite: say every page in the way before writing any.
    if (!options.overwrite) {
        std::vector<std::string> names(slugs.begin(), slugs.end());
        std::string existing;
        for (const fs::path& p :
             report_paths(dir, names, fs::exists(dir / "alliance.gpkg"), options.private_copy))
            if (fs::exists(p)) existing += (existing.empty() ? "" : ", ") + p.string();
        if (!existing.empty())
            throw IoError{fmt::format("{}: exists already; pass --overwrite to replace", existing)};
    }
    // Every file is read before any page is written: a foreign GeoPackage stops the whole
    // rebuild, naming it, with nothing half done.
    for (const std::string& slug : slugs)
        read_city_outputs(dir, slug, true);
    ReportResult r;
    for (const std::string& slug : slugs) {
        r.written.push_back(write_city_report(dir, slug, true, options.overwrite));
        if (!options.private_copy) continue;
        if (fs::exists(dir / (slug + ".gpkg")))
            r.written.push_back(write_city_report(dir, slug, false, options.overwrite));
        else
            r.notes.push_back(fmt::format("{}: no private page (--private needs {}.gpkg, only the "
                                          "public copy is here)",
                                          slug, slug));
    }
    if (fs::exists(dir / "alliance.gpkg"))
        r.written.push_back(write_alliance_report(dir, {}, options.overwrite, {}, true));
    return r;
}

} // namespace vigia::engine
