// The interventions stage: each programme kind's sites, areas, windows, monthly series and
// statistics (docs/methods.md §19).

#include "engine/intervention_stage.hpp"

#include "analysis/error.hpp"
#include "analysis/grid.hpp"
#include "analysis/parallel.hpp"
#include "engine/iccs.hpp"
#include "io/feature_reader.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigia::engine {

namespace {

using analysis::Month;

Month month_at(std::int64_t seconds) {
    const io::CivilTime t = io::from_seconds(seconds);
    return analysis::month_of(t.year, t.month);
}

std::string day_text(std::int64_t seconds) {
    return io::format_iso(seconds).substr(0, 10);
}

/// The date of a site's field, or why there is none.
std::optional<std::int64_t> site_date(const std::string& text, std::string& why,
                                      const std::string& field) {
    if (text.empty()) {
        why = fmt::format("field '{}' is empty", field);
        return std::nullopt;
    }
    if (auto t = io::parse_time(text)) return *t - (*t % 86400 + 86400) % 86400;
    why = fmt::format("field '{}' = '{}' is not a date (yyyy-mm-dd, dd/mm/yyyy)", field, text);
    return std::nullopt;
}

/// Whether an incident or count row is of the programme's offences.
struct Aimed {
    const std::vector<std::string>* codes = nullptr; ///< the programme's categories
    const std::vector<std::string>* iccs = nullptr;  ///< ICCS code of each category index
    bool operator()(std::int32_t category) const {
        if (codes->empty()) return true;
        if (category < 0 || !iccs || static_cast<std::size_t>(category) >= iccs->size())
            return false;
        for (const std::string& code : *codes)
            if (iccs_within((*iccs)[category], code)) return true;
        return false;
    }
};

std::string site_label(const SiteResult& s) {
    return fmt::format("site {} ('{}', fid {})", s.site_id, s.name, s.fid);
}

KindResult evaluate_kind(const InterventionInput& in, const InterventionConfig& cfg,
                         std::vector<std::string>& warnings) {
    const std::string role = fmt::format("interventions '{}'", cfg.kind);
    KindResult k;
    k.config = &cfg;
    std::vector<std::string> fields;
    if (!cfg.start_field.empty()) fields.push_back(cfg.start_field);
    if (!cfg.end_field.empty()) fields.push_back(cfg.end_field);
    const io::FeatureRead sites =
        io::read_features(cfg.source, *in.target, role, true, true, fields);
    if (sites.points && !(cfg.radius_m > 0))
        throw InputError{fmt::format("{}: {} holds point sites: give radius_m, the target area "
                                     "around each point",
                                     role, cfg.source.path)};
    std::vector<analysis::Wkb> control;
    if (cfg.control) {
        const io::FeatureRead c =
            io::read_features(*cfg.control, *in.target, role + " control", false, true);
        control = c.wkb;
    }
    try {
        k.areas =
            analysis::site_areas(sites.wkb, cfg.radius_m, cfg.buffer_m, *in.boundary, control);
    } catch (const analysis::SiteError& e) {
        throw InputError{fmt::format("{}: site {} ('{}', fid {}) of {}: {}", role, e.site + 1,
                                     sites.names[e.site], sites.fids[e.site], cfg.source.path,
                                     e.what())};
    }
    for (const auto& [i, reason] : k.areas.repaired)
        warnings.push_back(fmt::format("{}: site {} ('{}', fid {}) was not a valid polygon ({}) "
                                       "and was repaired (GEOS MakeValid)",
                                       role, i + 1, sites.names[i], sites.fids[i], reason));
    if (!(k.areas.control_km2 > 0))
        throw InputError{fmt::format(
            "{}: the control area is empty: {}; give control = {{ path = \"...\" }} with "
            "polygons elsewhere in the city, or a smaller radius_m or buffer_m",
            role,
            cfg.control ? "the control polygons lie outside the city or inside targets and buffers"
                        : "the targets and buffers cover the whole city")};

    // The data's whole months.
    if (in.counts && !in.monthly)
        throw InputError{fmt::format("{}: the counts are not known to their month (a year "
                                     "only); the evaluation counts months: give month = \"...\"",
                                     role)};
    if (in.time_first == analysis::kNoTime)
        throw InputError{fmt::format("{}: no incident has a time known to its month, so nothing "
                                     "can be counted before and after a start; give the "
                                     "incidents' time field",
                                     role)};
    Month data_first = month_at(in.time_first), data_last = month_at(in.time_end - 1);
    const bool first_partial = month_start(data_first) != in.time_first;
    const bool last_partial = month_start(data_last + 1) != in.time_end;
    if (first_partial) ++data_first;
    if (last_partial) --data_last;
    if (data_last < data_first)
        throw InputError{fmt::format("{}: the data cover less than one whole month ({} … {})", role,
                                     day_text(in.time_first), day_text(in.time_end - 1))};

    // Each site's dates and windows.
    for (std::size_t i = 0; i < sites.wkb.size(); ++i) {
        SiteResult s;
        s.site_id = static_cast<std::int64_t>(i) + 1;
        s.fid = sites.fids[i];
        s.name = sites.names[i];
        std::string why;
        std::optional<std::int64_t> start = cfg.start;
        if (!cfg.start_field.empty()) start = site_date(sites.texts[0][i], why, cfg.start_field);
        std::optional<std::int64_t> end;
        if (!cfg.end_field.empty() && !sites.texts.back()[i].empty()) {
            std::string end_why;
            end = site_date(sites.texts.back()[i], end_why, cfg.end_field);
            if (!end) {
                s.status = "no end date: " + end_why;
                k.sites.push_back(std::move(s));
                continue;
            }
        }
        if (!start) {
            s.status = "no start date: " + why;
            k.sites.push_back(std::move(s));
            continue;
        }
        s.start = day_text(*start);
        if (end) s.end = day_text(*end);
        analysis::WindowRequest r;
        r.start = month_at(*start);
        r.start_partial = month_start(r.start) != *start;
        if (end) {
            // The last whole month the site ran: its end month when it ran to the month's end.
            const Month m = month_at(*end);
            r.end = month_start(m + 1) == *end + 86400 ? m : m - 1;
        }
        r.before = cfg.before_months;
        r.after = cfg.after_months;
        r.data_first = data_first;
        r.data_last = data_last;
        s.windows = analysis::choose_windows(r);
        std::vector<std::string> out;
        if (r.start_partial)
            out.push_back(
                fmt::format("{} (the site started on {})", analysis::month_text(r.start), s.start));
        if (end && r.end && *r.end != month_at(*end))
            out.push_back(fmt::format("{} (the site ended on {})",
                                      analysis::month_text(month_at(*end)), s.end));
        if (first_partial && s.windows.before_first == data_first)
            out.push_back(fmt::format("{} (the data begin on {})",
                                      analysis::month_text(data_first - 1),
                                      day_text(in.time_first)));
        if (last_partial && s.windows.after_last == data_last)
            out.push_back(fmt::format("{} (the data end on {})",
                                      analysis::month_text(data_last + 1),
                                      day_text(in.time_end - 1)));
        for (const std::string& o : out)
            s.left_out += (s.left_out.empty() ? "" : "; ") + o;
        if (!s.windows.problem.empty()) s.status = "window not covered: " + s.windows.problem;
        if (!(k.areas.target_km2[i] > 0))
            s.status = "target outside the city: the site's target has no area inside the "
                       "boundary";
        k.sites.push_back(std::move(s));
    }

    // Monthly counts of every area over the data's whole months.
    const std::size_t n = k.sites.size();
    k.counts =
        analysis::SiteCounts{n, data_first, static_cast<std::size_t>(data_last - data_first + 1)};
    const Aimed aimed{&cfg.categories, in.iccs_of_category};
    double no_month = 0;
    if (in.incidents) {
        const analysis::Incidents& inc = *in.incidents;
        const analysis::SiteIndex index{k.areas};
        const unsigned workers = analysis::worker_count();
        std::vector<analysis::SiteCounts> part(workers, k.counts);
        std::vector<double> part_no_month(workers, 0.0);
        analysis::parallel_chunks(
            inc.size(),
            [&](unsigned w, std::size_t b, std::size_t e) {
                analysis::SiteCounts& c = part[w];
                for (std::size_t i = b; i < e; ++i) {
                    if (!aimed(inc.category[i])) continue;
                    if (inc.time[i] == analysis::kNoTime || inc.time_span[i] > 31 * 86400) {
                        part_no_month[w] += 1;
                        continue;
                    }
                    const std::ptrdiff_t col = c.column(month_at(inc.time[i]));
                    if (col < 0) continue; // a partial month at the data's edge
                    const auto m = static_cast<std::size_t>(col);
                    if (index.locate(
                            inc.x[i], inc.y[i], [&](std::size_t s) { c.target[s][m] += 1; },
                            [&](std::size_t s) { c.buffer[s][m] += 1; }))
                        c.control[m] += 1;
                }
            },
            workers);
        // Whole numbers: the sums are exact, whatever the number of workers.
        for (unsigned w = 0; w < workers; ++w) {
            no_month += part_no_month[w];
            for (std::size_t m = 0; m < k.counts.months; ++m) {
                k.counts.control[m] += part[w].control[m];
                for (std::size_t s = 0; s < n; ++s) {
                    k.counts.target[s][m] += part[w].target[s][m];
                    k.counts.buffer[s][m] += part[w].buffer[s][m];
                }
            }
        }
    } else {
        k.estimate = true;
        const analysis::AreaCounts& ac = *in.counts;
        const analysis::UnitShares shares = analysis::unit_shares(k.areas, *in.units);
        std::vector<std::vector<std::pair<std::size_t, double>>> in_target(in.units->size()),
            in_buffer(in.units->size());
        for (std::size_t s = 0; s < n; ++s) {
            for (const auto& sh : shares.target[s])
                in_target[sh.unit].emplace_back(s, sh.share);
            for (const auto& sh : shares.buffer[s])
                in_buffer[sh.unit].emplace_back(s, sh.share);
        }
        for (std::size_t r = 0; r < ac.size(); ++r) {
            if (!aimed(ac.category[r])) continue;
            if (ac.year[r] <= 0 || ac.month[r] <= 0) {
                no_month += ac.count[r];
                continue;
            }
            const std::ptrdiff_t col = k.counts.column(analysis::month_of(ac.year[r], ac.month[r]));
            if (col < 0) continue;
            const auto m = static_cast<std::size_t>(col);
            const auto u = static_cast<std::size_t>(ac.unit[r]);
            for (const auto& [s, share] : in_target[u])
                k.counts.target[s][m] += ac.count[r] * share;
            for (const auto& [s, share] : in_buffer[u])
                k.counts.buffer[s][m] += ac.count[r] * share;
            k.counts.control[m] += ac.count[r] * shares.control[u];
        }
    }
    if (no_month > 0)
        warnings.push_back(fmt::format("{}: {} incidents have no month (no time, or a time less "
                                       "precise than a month) and are not counted",
                                       role, no_month));

    for (const analysis::SiteAreas::Overlap& o : k.areas.overlaps)
        warnings.push_back(fmt::format(
            "{}: the targets of {} and {} overlap ({:.3f} km²): an incident there counts in "
            "both targets; buffers and the control leave out every target",
            role, site_label(k.sites[o.a]), site_label(k.sites[o.b]), o.km2));

    // Each site's statistics, then the city's pool of them.
    std::vector<double> y, v;
    for (SiteResult& s : k.sites) {
        if (s.status != "ok") continue;
        const std::size_t i = static_cast<std::size_t>(s.site_id - 1);
        // A buffer with no area inside the city (a site at its edge) gives no WDQ.
        const bool buffer = k.areas.has_buffer && k.areas.buffer_km2[i] > 0;
        analysis::SiteEvaluation e = analysis::evaluate_site(k.counts, i, s.windows, buffer);
        if (e.control.before == 0 || e.control.after == 0) {
            // No counts in the text: a status is published as it is.
            s.status = "empty control: the control has no incident in the before or the after "
                       "window";
            continue;
        }
        y.push_back(e.effect.log_res);
        v.push_back(e.effect.variance);
        s.evaluation = std::move(e);
    }
    std::string problems;
    for (const SiteResult& s : k.sites)
        if (s.status != "ok") problems += fmt::format("\n  {}: {}", site_label(s), s.status);
    if (y.empty())
        throw InputError{fmt::format(
            "{}: no site of {} can be evaluated:{}{}", role, sites.layer, problems,
            cfg.start_field.empty() ? ""
                                    : fmt::format("\n(start_field = \"{}\")", cfg.start_field))};
    if (!problems.empty())
        warnings.push_back(fmt::format("{}: {} of {} sites are not evaluated (each has a row in "
                                       "intervention_effects with its status):{}",
                                       role, k.sites.size() - y.size(), k.sites.size(), problems));
    k.pooled = analysis::dersimonian_laird(y, v);
    return k;
}

} // namespace

std::int64_t month_start(Month m) {
    const int year = m >= 0 ? m / 12 : (m - 11) / 12;
    return io::days_from_civil(year, m - year * 12 + 1, 1) * 86400;
}

InterventionResults intervention_stage(const InterventionInput& in) {
    InterventionResults out;
    for (const InterventionConfig& cfg : in.city->interventions)
        out.kinds.push_back(evaluate_kind(in, cfg, out.warnings));
    return out;
}

} // namespace vigia::engine
