#include "io/counts_reader.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace vigia::io {

using analysis::RejectReason;

namespace {

struct Columns {
    int key = -1, count = -1, category = -1, year = -1, month = -1;
};

double whole_number(OGRFeature& f, int i, const std::string& field, const std::string& where,
                    bool allow_empty) {
    if (!f.IsFieldSetAndNotNull(i) || *f.GetFieldAsString(i) == '\0') {
        if (allow_empty) return 0;
        throw InputError{fmt::format("{}: row {}: field '{}' is empty", where, f.GetFID(), field)};
    }
    const char* s = f.GetFieldAsString(i);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s, &end);
    while (*end == ' ' || *end == '\r')
        ++end;
    if (*end || errno == ERANGE || !std::isfinite(v) || v != std::floor(v))
        throw InputError{fmt::format("{}: row {}: field '{}' = '{}' is not a whole number", where,
                                     f.GetFID(), field, s)};
    return v;
}

} // namespace

CountsRead read_counts(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                       const std::vector<double>& unit_area, const std::optional<Period>& period) {
    CountsRead out;
    GDALDatasetUniquePtr ds = open_vector(spec.path);
    OGRLayer& layer = pick_layer(*ds, spec.path, spec.layer);
    out.layer = layer.GetName();
    const std::string where = fmt::format("{} layer '{}'", spec.path, out.layer);
    Columns c;
    c.key = require_field(layer, spec.path, spec.key, "key");
    c.count = require_field(layer, spec.path, spec.count, "count");
    if (!spec.category.empty())
        c.category = require_field(layer, spec.path, spec.category, "category");
    if (!spec.year.empty()) c.year = require_field(layer, spec.path, spec.year, "year");
    if (!spec.month.empty()) {
        if (spec.year.empty())
            throw InputError{fmt::format("{}: month = \"{}\" needs year too", where, spec.month)};
        c.month = require_field(layer, spec.path, spec.month, "month");
    }

    // A key may name several polygons (a unit stored as several parts): its counts are then
    // shared among them by area, and the key is reported.
    std::unordered_map<std::string, std::vector<std::int32_t>> unit_of;
    for (std::size_t i = 0; i < unit_keys.size(); ++i)
        unit_of[unit_keys[i]].push_back(static_cast<std::int32_t>(i));
    for (const auto& [key, units] : unit_of)
        if (units.size() > 1) out.shared_keys.emplace_back(key, units.size());
    std::sort(out.shared_keys.begin(), out.shared_keys.end());
    std::unordered_map<std::string, std::int32_t> category_of;
    std::map<std::string, double> unknown;
    analysis::AreaCounts& ac = out.counts;

    // With a where filter, every row it removes is listed with its incidents: first the whole
    // table (FID → count), then the rows that pass; the rest were filtered (a NULL filter
    // value removes a row too, and it is listed).
    std::vector<std::pair<std::int64_t, double>> all_rows;
    if (!spec.where.empty()) {
        layer.ResetReading();
        for (auto& f : layer)
            all_rows.emplace_back(f->GetFID(), whole_number(*f, c.count, spec.count, where, true));
        apply_where(layer, spec.path, spec.where);
    }
    std::vector<std::int64_t> passed_fids;
    layer.ResetReading();
    for (auto& f : layer) {
        ++out.rows;
        if (!spec.where.empty()) passed_fids.push_back(f->GetFID());
        const std::int64_t row = f->GetFID();
        const double n = whole_number(*f, c.count, spec.count, where, false);
        if (n < 0)
            throw InputError{
                fmt::format("{}: row {}: field '{}' = {} is negative", where, row, spec.count, n)};
        out.incidents += n;
        std::int32_t year = 0, month = 0;
        if (c.year >= 0)
            year = static_cast<std::int32_t>(whole_number(*f, c.year, spec.year, where, false));
        if (c.month >= 0) {
            month = static_cast<std::int32_t>(whole_number(*f, c.month, spec.month, where, false));
            if (month < 1 || month > 12)
                throw InputError{fmt::format("{}: row {}: field '{}' = {} is not a month (1-12)",
                                             where, row, spec.month, month)};
        }
        if (year != 0) {
            const std::int64_t start = to_seconds(CivilTime{year, month ? month : 1, 1, 0, 0, 0});
            if (period && (start < period->first || start > period->second)) {
                out.rejects.add(RejectReason::outside_period, row,
                                fmt::format("{}-{:02}", year, month), n);
                continue;
            }
            if (out.time_min == analysis::kNoTime || start < out.time_min) out.time_min = start;
            if (out.time_max == analysis::kNoTime || start > out.time_max) out.time_max = start;
        }
        const std::string key = f->GetFieldAsString(c.key);
        auto u = unit_of.find(key);
        if (u == unit_of.end()) {
            unknown[key] += n;
            out.rejects.add(RejectReason::unknown_unit, row,
                            fmt::format("{} = '{}'", spec.key, key), n);
            continue;
        }
        std::int32_t cat = -1;
        if (c.category >= 0) {
            const std::string label = f->GetFieldAsString(c.category);
            auto [it, fresh] =
                category_of.emplace(label, static_cast<std::int32_t>(ac.categories.size()));
            if (fresh) ac.categories.push_back(label);
            cat = it->second;
        }
        double total_area = 0;
        for (std::int32_t k : u->second)
            total_area += unit_area.empty() ? 1.0 : unit_area[k];
        for (std::int32_t k : u->second) {
            const double part = unit_area.empty() ? 1.0 : unit_area[k];
            ac.unit.push_back(k);
            ac.category.push_back(cat);
            ac.year.push_back(year);
            ac.month.push_back(month);
            ac.count.push_back(total_area > 0 ? n * part / total_area
                                              : n / static_cast<double>(u->second.size()));
        }
    }
    if (!spec.where.empty()) {
        std::sort(passed_fids.begin(), passed_fids.end());
        for (const auto& [fid, n] : all_rows) {
            if (std::binary_search(passed_fids.begin(), passed_fids.end(), fid)) continue;
            out.incidents += n;
            out.rejects.add(RejectReason::filtered, fid,
                            "excluded by where = \"" + spec.where + "\"", n);
        }
    }
    if (out.rows == 0 && out.incidents == 0)
        throw InputError{fmt::format("{}: has no rows", where)};
    out.unknown_keys.assign(unknown.begin(), unknown.end());
    std::stable_sort(out.unknown_keys.begin(), out.unknown_keys.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;
}

} // namespace vigia::io
