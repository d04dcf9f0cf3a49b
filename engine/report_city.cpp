// A city's report page (engine/report.hpp, docs/methods.md §20): the headline, the maps,
// concentration, time, the offence categories, what works, data quality and the method, in
// that order, from the city's GeoPackage as written.

#include "analysis/grid.hpp"
#include "engine/labels.hpp"
#include "engine/report.hpp"
#include "engine/report_data.hpp"
#include "engine/report_page.hpp"
#include "engine/styles.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

namespace vigia::engine {

namespace fs = std::filesystem;
using namespace report;

namespace {

io::Rgba rgba(Colour c) {
    return {c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0};
}

/// A map of the city drawn from its tables, as PNG bytes (rendered to a temporary file).
std::string render_map(const io::MapDoc& doc) {
    static std::atomic<unsigned> serial{0};
    const fs::path tmp =
        fs::temp_directory_path() / fmt::format("vigia-report-{}-{}.png", ::getpid(), serial++);
    struct Remove {
        fs::path p;
        ~Remove() {
            std::error_code ec;
            fs::remove(p, ec);
        }
    } remove{tmp};
    io::render_png(doc, tmp, true);
    return read_file(tmp);
}

io::Bbox padded(const std::array<double, 4>& e) {
    const double pad = 0.03 * std::max(e[2] - e[0], e[3] - e[1]);
    return {e[0] - pad, e[1] - pad, e[2] + pad, e[3] + pad};
}

/// A one-panel map frame with the city's boundary drawn last.
struct MapFrame {
    io::MapDoc doc;
    io::PolygonLayer boundary;
};

std::optional<MapFrame> map_frame(const CityOutputs& o, std::string title) {
    io::TableColumns b = o.table("boundary", {}, {}, true);
    if (!b.exists || b.geometry.empty()) return std::nullopt;
    MapFrame f;
    f.doc.width_px = 1100;
    f.doc.title = std::move(title);
    f.doc.subtitle = o.name;
    f.doc.source = fmt::format("Vigía · {}", o.info("crs"));
    io::MapPanel p;
    p.extent = padded(analysis::make_boundary({b.geometry[0]}).extent);
    f.doc.panels.push_back(std::move(p));
    f.boundary.name = "boundary";
    f.boundary.owned = std::move(b.geometry);
    f.boundary.fill.a = 0;
    f.boundary.stroke = {0.13, 0.13, 0.13, 1};
    f.boundary.stroke_px = 2;
    return f;
}

std::string figure(const std::string& img, const std::string& caption) {
    return fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n", img, escape(caption));
}

/// The emerging hot-spot map: each cell by its pattern, in the QGIS style's colours.
std::string emerging_map(const CityOutputs& o, const Words& w) {
    io::TableColumns e = o.table("emerging_hotspots", {}, {"ehs_category"}, true);
    if (!e.exists || e.rows == 0) return {};
    auto frame = map_frame(o, w("map_emerging"));
    if (!frame) return {};
    std::map<std::string, io::Rgba> colour;
    std::set<std::string> present(e.texts["ehs_category"].begin(), e.texts["ehs_category"].end());
    for (const QmlCategory& c : ehs_categories(o.language, Stroke{})) {
        colour[c.value] = rgba(std::get<Fill>(c.symbol).colour);
        if (present.count(c.value))
            frame->doc.legend.entries.push_back(io::LegendEntry::patch(colour[c.value], c.label));
    }
    frame->doc.legend.title = w("map_emerging");
    io::PolygonLayer cells;
    cells.name = "emerging_hotspots";
    cells.owned = std::move(e.geometry);
    for (const std::string& c : e.texts["ehs_category"])
        cells.fills.push_back(colour.count(c) ? colour[c] : io::Rgba{0.9, 0.9, 0.9, 1});
    cells.stroke_px = 0;
    frame->doc.panels[0].polygons.push_back(std::move(cells));
    frame->doc.panels[0].polygons.push_back(std::move(frame->boundary));
    return figure(
        image(render_map(frame->doc), "image/png", w("map_emerging_alt", {{"city", o.name}})),
        w("map_emerging_caption"));
}

/// The coverage map of one facility network: the area within reach, the facilities and the
/// suggested sites.
std::string coverage_map(const CityOutputs& o, const Words& w, const std::string& kind,
                         const std::vector<std::string>& kinds) {
    io::TableColumns area = o.table("coverage_" + kind, {}, {}, true);
    if (!area.exists) return {};
    const std::string radius = o.info(fmt::format("facilities_{}_radius_m", kind), "?");
    auto frame = map_frame(o, w("map_coverage", {{"kind", kind}, {"radius_m", radius}}));
    if (!frame) return {};
    const io::Rgba net = rgba(network_colour(kinds, kind));
    io::PolygonLayer reach;
    reach.name = "coverage_" + kind;
    reach.owned = std::move(area.geometry);
    reach.fill = {net.r, net.g, net.b, 0.35};
    reach.stroke = net;
    reach.stroke_px = 0.8;
    frame->doc.panels[0].polygons.push_back(std::move(reach));
    frame->doc.panels[0].polygons.push_back(std::move(frame->boundary));
    frame->doc.legend.title = w("map_coverage_legend");
    frame->doc.legend.entries.push_back(io::LegendEntry::patch(
        {net.r, net.g, net.b, 0.35}, w("map_within_reach", {{"radius_m", radius}})));
    auto points = [&](const std::string& layer, const std::string& role, const std::string& label) {
        io::TableColumns pts = o.table(layer, {}, {}, true);
        if (!pts.exists || pts.rows == 0) return;
        const NetworkMarker m = network_marker(kinds, kind, role);
        io::PointLayer pl;
        pl.fill = rgba(m.colour);
        pl.radius_px = role == "facility" ? 3 : 7;
        pl.shape = role == "facility" ? io::PointShape::circle : io::PointShape::star;
        for (const analysis::Wkb& g : pts.geometry) {
            // A WKB point: byte order, type, x, y.
            if (g.size() < 21) continue;
            double x = 0, y = 0;
            std::memcpy(&x, g.data() + 5, 8);
            std::memcpy(&y, g.data() + 13, 8);
            pl.x.push_back(x);
            pl.y.push_back(y);
        }
        frame->doc.legend.entries.push_back(io::LegendEntry::point(pl.fill, pl.shape, label));
        frame->doc.panels[0].points.push_back(std::move(pl));
    };
    points("facilities_" + kind, "facility", w("map_facilities", {{"kind", kind}}));
    points("suggested_" + kind, "suggested", w("map_suggested"));
    return figure(image(render_map(frame->doc), "image/png",
                        w("map_coverage_alt", {{"city", o.name}, {"kind", kind}})),
                  w("map_coverage_caption", {{"kind", kind}, {"radius_m", radius}}));
}

/// The period the page names: the manifest's, else the monthly series' first to last month.
std::string period_of(const CityOutputs& o) {
    const std::string p = o.info("period", "none");
    if (p != "none" && !p.empty()) return p;
    io::TableColumns m = o.table("monthly", {}, {"month"});
    if (m.exists && m.rows > 0) {
        const auto& month = m.texts["month"];
        return month.front() == month.back() ? month.front() : month.front() + "/" + month.back();
    }
    const std::string span = o.info("time_span");
    return span.empty() ? "—" : span;
}

struct Card {
    std::string metric;
    int decimals;
    bool percent, count;
    std::string label;
};

std::string cards(const CityOutputs& o, const std::string& category,
                  const std::vector<Card>& list) {
    std::string out = "<div class=\"cards\">\n";
    for (const Card& c : list) {
        if (!o.stats.has(c.metric, category)) continue;
        out += fmt::format("<div class=\"card\">{}<span class=\"label\">{}</span></div>\n",
                           metric_value(o.language, category, c.metric,
                                        o.stats.get(c.metric, category), c.decimals, c.percent,
                                        c.count),
                           escape(c.label));
    }
    return out + "</div>\n";
}

std::vector<Card> headline_cards(const CityOutputs& o, const Words& w) {
    std::vector<Card> c{{"incidents", 0, false, true, w("card_incidents")},
                        {"incidents_per_km2", 1, false, false, w("card_per_km2")},
                        {"incidents_per_100k", 1, false, false, w("card_per_100k")},
                        {"area_share_50", 1, true, false, w("card_area_share_50")},
                        {"hotspot_areas", 0, false, false, w("card_hotspot_areas")},
                        {"hot_incident_share", 1, true, false, w("card_hot_incident_share")}};
    for (const std::string& kind : coverage_kinds(o.stats))
        c.push_back({"coverage_" + kind + "_incident_share", 1, true, false,
                     w("card_coverage",
                       {{"kind", kind},
                        {"radius_m", o.info(fmt::format("facilities_{}_radius_m", kind), "?")}})});
    return c;
}

std::string headline(const CityOutputs& o, const Words& w, const std::string& period) {
    const Language L = o.language;
    const CityStats& s = o.stats;
    std::string out =
        fmt::format("<section id=\"headline\">\n<h2>{}</h2>\n", escape(w("headline")));
    const double n = s.get("incidents");
    if (std::isfinite(n))
        out += fmt::format("<p class=\"lead\">{}</p>\n",
                           escape(w("headline_sentence",
                                    {{"city", o.name},
                                     {"period", period},
                                     {"incidents", number(L, n, 0)},
                                     {"area_share", percent(L, s.get("area_share_50"))},
                                     {"areas", number(L, s.get("hotspot_areas"), 0)},
                                     {"hot_share", percent(L, s.get("hot_incident_share"))}})));
    out += cards(o, "all", headline_cards(o, w));
    return out + "</section>\n";
}

std::string maps(const CityOutputs& o, const Words& w) {
    std::string out =
        fmt::format("<section id=\"maps\" class=\"major\">\n<h2>{}</h2>\n", escape(w("maps")));
    const fs::path png = o.dir / (o.slug + ".png");
    if (fs::exists(png))
        out += figure(image(read_file(png), "image/png", w("map_gi_alt", {{"city", o.name}})),
                      w("map_gi_caption"));
    const std::string ehs = emerging_map(o, w);
    out += ehs.empty() ? fmt::format("<p class=\"note\">{}</p>\n", escape(w("no_emerging"))) : ehs;
    const auto kinds = coverage_kinds(o.stats);
    std::string coverage;
    for (const std::string& kind : kinds)
        coverage += coverage_map(o, w, kind, kinds);
    if (!coverage.empty())
        out +=
            kinds.size() > 1 ? fmt::format("<div class=\"two\">\n{}</div>\n", coverage) : coverage;
    return out + "</section>\n";
}

std::string concentration(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    std::string out =
        fmt::format("<section id=\"concentration\">\n<h2>{}</h2>\n", escape(w("concentration")));
    io::TableColumns t = o.table("lorenz", {"place_share", "incident_share"}, {"category"});
    io::LineChart chart = lorenz_frame(w);
    io::ChartSeries curve{w("lorenz_city", {{"city", o.name}}), {}, {}};
    curve.width_px = 2.5;
    for (std::size_t i = 0; i < t.rows; ++i)
        if (t.texts["category"][i] == "all") {
            curve.x.push_back(t.numbers["place_share"][i]);
            curve.y.push_back(t.numbers["incident_share"][i]);
        }
    const double gini = o.stats.get("gini");
    chart.note = fmt::format("Gini = {}", number(L, gini, 3));
    if (!curve.x.empty()) {
        chart.series.push_back(std::move(curve));
        out += figure(image(io::line_chart_svg(chart), "image/svg+xml",
                            w("lorenz_alt", {{"city", o.name}, {"gini", number(L, gini, 3)}})),
                      w("lorenz_caption"));
    }
    out += fmt::format("<p>{}</p>\n",
                       escape(w("concentration_sentence",
                                {{"gini", number(L, gini, 3)},
                                 {"cells_50", percent(L, o.stats.get("cells_share_50"))},
                                 {"cells_25", percent(L, o.stats.get("cells_share_25"))}})));
    return out + "</section>\n";
}

std::string monthly_chart(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    io::TableColumns t = o.table("monthly", {"incidents"}, {"month"});
    if (!t.exists || t.rows == 0)
        return fmt::format("<p class=\"note\">{}</p>\n", escape(w("no_monthly")));
    io::LineChart chart;
    chart.format = chart_format(L);
    chart.y_label = w("monthly_y");
    io::ChartSeries s{w("monthly_series"), {}, {}};
    s.markers = t.rows <= 36;
    for (std::size_t i = 0; i < t.rows; ++i) {
        s.x.push_back(static_cast<double>(i));
        s.y.push_back(t.numbers["incidents"][i]);
        chart.x_ticks.push_back(static_cast<double>(i));
        chart.x_tick_labels.push_back(t.texts["month"][i]);
    }
    chart.series.push_back(std::move(s));
    std::string trend;
    const double z = o.stats.get("trend_mk_z"), p = o.stats.get("trend_mk_p"),
                 slope = o.stats.get("trend_sen_slope");
    if (std::isfinite(z) && std::isfinite(p)) {
        const std::string key = p <= 0.05 ? (z > 0 ? "trend_up" : "trend_down") : "trend_none";
        const std::string p_text = p < 0.001 ? "< " + number(L, 0.001, 3) : "= " + number(L, p, 3);
        trend = w(key, {{"z", number(L, z, 2)},
                        {"p", p_text},
                        {"slope", number(L, key == "trend_none" ? slope : std::fabs(slope), 1)}});
        chart.note = fmt::format("Mann–Kendall z = {} · p {} · Sen = {}", number(L, z, 2), p_text,
                                 number(L, slope, 1));
    } else {
        trend = w("trend_untested", {{"months", number(L, static_cast<double>(t.rows), 0)}});
    }
    return figure(image(io::line_chart_svg(chart), "image/svg+xml",
                        w("monthly_alt", {{"city", o.name}})),
                  w("monthly_caption")) +
           fmt::format("<p>{}</p>\n", escape(trend));
}

std::string clock_chart(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    std::vector<std::string> hours;
    for (int h = 0; h < 24; ++h)
        hours.push_back(fmt::format("h{:02}", h));
    std::vector<std::string> numbers = hours;
    numbers.insert(numbers.end(), {"unit_id", "midnight", "no_hour", "total"});
    io::TableColumns t = o.table("clock", numbers, {"day_name"});
    if (!t.exists || t.rows == 0)
        return fmt::format("<p class=\"note\">{}</p>\n", escape(w("no_clock")));
    io::HeatMap hm;
    hm.format = chart_format(L);
    hm.x_label = w("clock_x");
    hm.legend_title = w("clock_legend");
    hm.missing_label = w("suppressed_cell", {{"min", number(L, o.min_count, 0)}});
    for (int h = 0; h < 24; ++h)
        hm.column_labels.push_back(fmt::format("{:02}", h));
    double in_hours = 0, midnight = 0, no_hour = 0;
    std::string rows;
    for (std::size_t i = 0; i < t.rows; ++i) {
        if (t.numbers["unit_id"][i] != 0) continue;
        hm.row_labels.push_back(t.texts["day_name"][i]);
        for (const std::string& h : hours) {
            hm.values.push_back(t.numbers[h][i]);
            if (std::isfinite(t.numbers[h][i])) in_hours += t.numbers[h][i];
        }
        if (std::isfinite(t.numbers["midnight"][i])) midnight += t.numbers["midnight"][i];
        if (std::isfinite(t.numbers["no_hour"][i])) no_hour += t.numbers["no_hour"][i];
        rows += fmt::format(
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            escape(t.texts["day_name"][i]), count(L, t.numbers["midnight"][i], w("suppressed")),
            count(L, t.numbers["no_hour"][i], w("suppressed")));
    }
    std::string out;
    if (in_hours > 0)
        out +=
            figure(image(io::heat_map_svg(hm), "image/svg+xml", w("clock_alt", {{"city", o.name}})),
                   w("clock_caption"));
    else
        out += fmt::format("<p class=\"note\">{}</p>\n", escape(w("clock_no_hours")));
    out +=
        fmt::format("<p>{}</p>\n", escape(w("clock_apart", {{"midnight", number(L, midnight, 0)},
                                                            {"no_hour", number(L, no_hour, 0)}})));
    if (midnight > 0 || no_hour > 0)
        out +=
            fmt::format("<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>"
                        "<th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th>"
                        "</tr></thead><tbody>\n{}</tbody></table>\n",
                        escape(w("clock_apart_caption")), escape(w("day")), escape(w("midnight")),
                        escape(w("no_hour")), rows);
    return out;
}

std::string near_repeat_chart(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    io::TableColumns t = o.table("near_repeat",
                                 {"space_band", "time_band", "distance_from_m", "distance_to_m",
                                  "days_from", "days_to", "ratio", "p"},
                                 {"category"});
    if (!t.exists || t.rows == 0)
        return fmt::format("<p class=\"note\">{}</p>\n", escape(w("no_near_repeat")));
    std::map<int, std::string> rows_by_band, cols_by_band;
    std::map<std::pair<int, int>, std::pair<double, double>> cell;
    for (std::size_t i = 0; i < t.rows; ++i) {
        if (t.texts["category"][i] != "all") continue;
        const int s = static_cast<int>(t.numbers["space_band"][i]);
        const int k = static_cast<int>(t.numbers["time_band"][i]);
        // The last bands are open ("≥ 1250 m", "≥ 29"): their upper end is NULL.
        const double d0 = t.numbers["distance_from_m"][i], d1 = t.numbers["distance_to_m"][i];
        const double t0 = t.numbers["days_from"][i], t1 = t.numbers["days_to"][i];
        rows_by_band[s] = s < 0 ? w("same_place")
                          : std::isfinite(d1)
                              ? fmt::format("{}–{} m", number(L, d0, 0), number(L, d1, 0))
                              : fmt::format("≥ {} m", number(L, d0, 0));
        cols_by_band[k] = std::isfinite(t1)
                              ? fmt::format("{}–{}", number(L, t0, 0), number(L, t1, 0))
                              : fmt::format("≥ {}", number(L, t0, 0));
        cell[{s, k}] = {t.numbers["ratio"][i], t.numbers["p"][i]};
    }
    io::HeatMap hm;
    hm.format = chart_format(L);
    hm.scale = io::HeatMap::Scale::diverging;
    hm.centre = 1;
    hm.x_label = w("near_repeat_x");
    hm.y_label = w("near_repeat_y");
    hm.legend_title = w("near_repeat_legend");
    hm.missing_label = w("suppressed_cell", {{"min", number(L, o.min_count, 0)}});
    for (const auto& [k, label] : cols_by_band)
        hm.column_labels.push_back(label);
    for (const auto& [s, label] : rows_by_band) {
        hm.row_labels.push_back(label);
        for (const auto& [k, label2] : cols_by_band) {
            const auto it = cell.find({s, k});
            const double ratio = it == cell.end() ? std::nan("") : it->second.first;
            const double p = it == cell.end() ? std::nan("") : it->second.second;
            // A ratio of 0 has no place on a log scale: drawn as the bluest.
            hm.values.push_back(ratio);
            hm.cell_text.push_back(std::isfinite(ratio)
                                       ? number(L, ratio, 2) + (p <= 0.05 ? "*" : "")
                                       : std::string{});
        }
    }
    return figure(
        image(io::heat_map_svg(hm), "image/svg+xml", w("near_repeat_alt", {{"city", o.name}})),
        w("near_repeat_caption"));
}

std::string time_section(const CityOutputs& o, const Words& w) {
    return fmt::format("<section id=\"time\">\n<h2>{}</h2>\n<h3>{}</h3>\n{}<h3>{}</h3>\n{}"
                       "<h3>{}</h3>\n{}</section>\n",
                       escape(w("time")), escape(w("monthly")), monthly_chart(o, w),
                       escape(w("clock")), clock_chart(o, w), escape(w("near_repeat")),
                       near_repeat_chart(o, w));
}

std::string categories(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    if (o.stats.categories.size() < 2) return {};
    std::string out = fmt::format("<section id=\"categories\">\n<h2>{}</h2>\n<table>\n<thead><tr>"
                                  "<th scope=\"col\">{}</th>",
                                  escape(w("categories")), escape(w("category")));
    const std::vector<Card> cols{
        {"incidents", 0, false, true, w("card_incidents")},
        {"incidents_per_km2", 1, false, false, w("card_per_km2")},
        {"incidents_per_100k", 1, false, false, w("card_per_100k")},
        {"area_share_50", 1, true, false, w("card_area_share_50")},
        {"hotspot_areas", 0, false, false, w("card_hotspot_areas")},
        {"hot_incident_share", 1, true, false, w("card_hot_incident_share")}};
    std::vector<Card> shown;
    for (const Card& c : cols)
        if (o.stats.has(c.metric)) shown.push_back(c);
    for (const Card& c : shown)
        out += fmt::format("<th scope=\"col\" class=\"n\">{}</th>", escape(c.label));
    out += "</tr></thead>\n<tbody>\n";
    for (const std::string& cat : o.stats.categories) {
        out += fmt::format(
            "<tr><th scope=\"row\">{}{}</th>", escape(o.stats.category_names.at(cat)),
            cat == "all" ? "" : fmt::format(" <span class=\"note\">({})</span>", escape(cat)));
        const bool small = !std::isfinite(o.stats.get("incidents", cat));
        for (const Card& c : shown) {
            if (small && c.metric == "incidents") {
                out += fmt::format("<td class=\"n\"><span class=\"suppressed\">{}</span></td>",
                                   escape(w("fewer_than", {{"min", number(L, o.min_count, 0)}})));
                continue;
            }
            out += fmt::format("<td class=\"n\">{}</td>",
                               metric_value(L, cat, c.metric, o.stats.get(c.metric, cat),
                                            c.decimals, c.percent, c.count));
        }
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n</section>\n";
}

std::string what_works(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    io::TableColumns t =
        o.table("intervention_effects",
                {"target_before", "target_after", "control_before", "control_after", "res",
                 "res_ci_low", "res_ci_high", "p", "wdq", "k_sites"},
                {"level", "kind", "name", "status", "reading"});
    if (!t.exists || t.rows == 0) return {};
    std::string out = fmt::format("<section id=\"what-works\">\n<h2>{}</h2>\n<p>{}</p>\n",
                                  escape(w("what_works")), escape(w("what_works_intro")));
    std::set<std::string> kinds(t.texts["kind"].begin(), t.texts["kind"].end());
    for (const std::string& kind : kinds) {
        out += fmt::format(
            "<h3>{}</h3>\n<table>\n<thead><tr><th scope=\"col\">{}</th>"
            "<th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th>"
            "<th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th>"
            "<th scope=\"col\" class=\"n\">{}</th><th "
            "scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            escape(kind), escape(w("site")), escape(w("target_before")), escape(w("target_after")),
            escape(w("res")), escape(w("ci95")), escape(w("wdq")), escape(w("status")));
        for (std::size_t i = 0; i < t.rows; ++i) {
            if (t.texts["kind"][i] != kind) continue;
            const bool pool = t.texts["level"][i] == "city";
            const double lo = t.numbers["res_ci_low"][i], hi = t.numbers["res_ci_high"][i];
            out += fmt::format(
                "<tr{}><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                "<td class=\"n\">{}</td><td class=\"n\">{}</td><td "
                "class=\"n\">{}</td><td>{}</td></tr>\n",
                pool ? " class=\"pool\"" : "",
                escape(pool ? w("pooled", {{"k", number(L, t.numbers["k_sites"][i], 0)}})
                            : t.texts["name"][i]),
                pool ? "" : count(L, t.numbers["target_before"][i], w("suppressed")),
                pool ? "" : count(L, t.numbers["target_after"][i], w("suppressed")),
                escape(number(L, t.numbers["res"][i], 2)),
                std::isfinite(lo)
                    ? escape(fmt::format("{} – {}", number(L, lo, 2), number(L, hi, 2)))
                    : std::string{"—"},
                escape(number(L, t.numbers["wdq"][i], 2)),
                escape(!t.texts["reading"][i].empty() ? t.texts["reading"][i]
                       : !pool && !std::isfinite(t.numbers["res"][i]) &&
                               t.texts["status"][i] == "ok"
                           ? w("suppressed")
                           : t.texts["status"][i]));
        }
        out += "</tbody></table>\n";
        const fs::path forest = o.dir / fmt::format("{}_forest_{}.png", o.slug, kind);
        if (fs::exists(forest))
            out += figure(image(read_file(forest), "image/png", w("forest_alt", {{"kind", kind}})),
                          w("forest_caption"));
    }
    return out + "</section>\n";
}

std::string quality(const CityOutputs& o, const Words& w) {
    const Language L = o.language;
    std::string out = fmt::format("<section id=\"quality\">\n<h2>{}</h2>\n", escape(w("quality")));
    auto value = [&](const std::string& key) {
        const std::string v = o.info(key);
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (!v.empty() && end && *end == '\0') return count(L, d, w("suppressed"));
        return escape(v.empty() ? "—" : v);
    };
    out += fmt::format(
        "<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"n\">{}</th>"
        "</tr></thead>\n<tbody>\n",
        escape(w("quality_what")), escape(w("quality_records")));
    const bool counts = o.info("input_form") == "counts per area";
    // A reason shown as "fewer than N" with the total read beside it would give the number
    // back (read − counted − the other reasons): the public page then leaves the total out.
    bool hidden_reason = false;
    for (const auto& [k, v] : o.run_info)
        if (k.rfind("rejected_", 0) == 0 && !v.empty() &&
            !std::isdigit(static_cast<unsigned char>(v[0])))
            hidden_reason = true;
    if (!counts && !(o.is_public && hidden_reason))
        out += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n",
                           escape(w("records_read")), value("records"));
    out += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n",
                       escape(w("records_counted")),
                       count(L, o.stats.get("incidents"), w("suppressed")));
    for (const auto& [k, v] : o.run_info) {
        if (k.rfind("rejected_", 0) != 0 || v == "0") continue;
        const bool fewer = !v.empty() && !std::isdigit(static_cast<unsigned char>(v[0]));
        out += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n",
                           escape(w("reason_" + k.substr(9))),
                           fewer ? escape(w("fewer_than", {{"min", number(L, o.min_count, 0)}}))
                                 : value(k));
    }
    out += "</tbody></table>\n";
    // Examples and warnings are in the full file only (they may quote records).
    io::TableColumns rej = o.is_public
                               ? io::TableColumns{}
                               : o.table("rejected", {}, {"source_row", "reason", "detail"});
    if (rej.exists && rej.rows > 0) {
        out += fmt::format(
            "<h3>{}</h3>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
            "<th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            escape(w("examples")), escape(w("source_row")), escape(w("reason")),
            escape(w("detail")));
        std::map<std::string, int> shown;
        for (std::size_t i = 0; i < rej.rows; ++i)
            if (shown[rej.texts["reason"][i]]++ < 3)
                out += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
                                   escape(rej.texts["source_row"][i]),
                                   escape(has_text("report.reason_" + rej.texts["reason"][i])
                                              ? w("reason_" + rej.texts["reason"][i])
                                              : rej.texts["reason"][i]),
                                   escape(rej.texts["detail"][i]));
        out += "</tbody></table>\n";
    } else if (o.is_public) {
        out += fmt::format("<p class=\"note\">{}</p>\n", escape(w("examples_private")));
    }
    std::string warnings;
    if (!o.is_public)
        for (const auto& [k, v] : o.run_info)
            if (k.rfind("warning_", 0) == 0) warnings += fmt::format("<li>{}</li>\n", escape(v));
    if (!warnings.empty())
        out += fmt::format("<h3>{}</h3>\n<ul>\n{}</ul>\n", escape(w("warnings")), warnings);
    else if (o.is_public)
        out += fmt::format("<p class=\"note\">{}</p>\n", escape(w("warnings_private")));
    return out + "</section>\n";
}

std::string method(const CityOutputs& o, const Words& w) {
    std::string out = fmt::format(
        "<section id=\"method\" class=\"major\">\n<h2>{}</h2>\n<p>{}</p>\n", escape(w("method")),
        escape(w("method_intro", {{"fingerprint", o.info("method_fingerprint")},
                                  {"version", o.info("vigia_version")},
                                  {"libraries", o.info("libraries")}})));
    out += fmt::format("<h3>{}</h3>\n<dl class=\"params\">\n", escape(w("definitions")));
    for (const std::string& m : o.stats.metrics)
        out += fmt::format("<div id=\"def-{}\"><dt><code>{}</code></dt><dd>{}</dd></div>\n",
                           escape(m), escape(m), escape(o.stats.descriptions.at(m)));
    // Every entry of run_info (the public file's are already filtered), in two tables side by
    // side so that the list takes half the pages.
    std::vector<std::pair<std::string, std::string>> entries;
    // Timings are not parameters (and would make two runs' pages differ); run_at_utc is in
    // the page's header.
    for (const auto& [k, v] : o.run_info) {
        const bool timing =
            k.rfind("time_", 0) == 0 && k.size() > 2 && k.compare(k.size() - 2, 2, "_s") == 0;
        if (k.rfind("warning_", 0) != 0 && !timing && k != "run_at_utc") entries.emplace_back(k, v);
    }
    out += fmt::format("</dl>\n<h3>{}</h3>\n<div class=\"two\">\n", escape(w("parameters")));
    const std::size_t half = (entries.size() + 1) / 2;
    for (std::size_t part = 0; part < 2; ++part) {
        out += fmt::format("<table class=\"small\">\n<thead><tr><th scope=\"col\">{}</th><th "
                           "scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                           escape(w("parameter")), escape(w("value")));
        for (std::size_t i = part * half; i < std::min(entries.size(), (part + 1) * half); ++i)
            out += fmt::format("<tr><td><code>{}</code></td><td>{}</td></tr>\n",
                               escape(entries[i].first), escape(entries[i].second));
        out += "</tbody></table>\n";
    }
    out += "</div>\n";
    out += fmt::format("<p class=\"note\">{}</p>\n", escape(w("methods_doc")));
    return out + "</section>\n";
}

std::string city_report_html(const CityOutputs& o) {
    const Words w{o.language};
    const std::string period = period_of(o);
    const std::string copy =
        o.is_public
            ? (o.min_count > 0 ? w("public_copy", {{"min", number(o.language, o.min_count, 0)}})
                               : w("public_no_threshold"))
            : w("private_copy");
    std::string body = fmt::format("<header>\n<h1>{}</h1>\n<p class=\"sub\">{} · {} <span "
                                   "class=\"badge\">{}</span></p>\n</header>\n",
                                   escape(w("city_title", {{"city", o.name}})),
                                   escape(w("period", {{"period", period}})),
                                   escape(o.info("run_at_utc")), escape(copy));
    body += headline(o, w, period);
    body += maps(o, w);
    body += concentration(o, w);
    body += time_section(o, w);
    body += categories(o, w);
    body += what_works(o, w);
    body += quality(o, w);
    body += method(o, w);
    return page(o.language, w("city_title", {{"city", o.name}}), body);
}

} // namespace

fs::path write_city_report(const fs::path& dir, const std::string& slug, bool is_public,
                           bool overwrite) {
    const CityOutputs o = read_city_outputs(dir, slug, is_public);
    const fs::path path = dir / (slug + (is_public ? "_report.html" : "_report_private.html"));
    write_page(path, city_report_html(o), overwrite);
    return path;
}

} // namespace vigia::engine
