#include "io/counts_reader.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "io/layer_source.hpp"
#include "io/text.hpp"
#include "io/time_parse.hpp"
#include "io/time_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace vigia::io {

using analysis::RejectReason;

const char* to_string(KeyMatch k) noexcept {
    switch (k) {
    case KeyMatch::exact:
        return "exact";
    case KeyMatch::number:
        return "number";
    case KeyMatch::name:
        return "name";
    }
    return "exact";
}

namespace {

double whole_number(OGRFeature& f, int i, bool numeric, const std::string& field,
                    const std::string& where, bool allow_empty) {
    if (!f.IsFieldSetAndNotNull(i) || (!numeric && *f.GetFieldAsString(i) == '\0')) {
        if (allow_empty) return 0;
        throw InputError{fmt::format("{}: row {}: field '{}' is empty", where, f.GetFID(), field)};
    }
    if (numeric) {
        const double v = f.GetFieldAsDouble(i);
        if (!std::isfinite(v) || v != std::floor(v))
            throw InputError{fmt::format("{}: row {}: field '{}' = {} is not a whole number", where,
                                         f.GetFID(), field, v)};
        return v;
    }
    const std::string s = f.GetFieldAsString(i);
    const auto v = parse_decimal(s, Decimal::automatic);
    if (!v || *v != std::floor(*v))
        throw InputError{fmt::format("{}: row {}: field '{}' = '{}' is not a whole number", where,
                                     f.GetFID(), field, s)};
    return *v;
}

/// The key a unit is matched by under `mode` ("" for none).
std::string match_key(std::string_view key, KeyMatch mode) {
    switch (mode) {
    case KeyMatch::exact:
        return std::string{key};
    case KeyMatch::number:
        if (auto n = key_number(key)) return std::to_string(*n);
        return {};
    case KeyMatch::name:
        return fold_name(key);
    }
    return {};
}

/// A row of a counts table as read in the first pass.
struct Row {
    std::int64_t fid;
    std::int32_t key, category;
    double n;
};

/// The units each distinct key names under `spec.key_match`. A key may name several polygons
/// (a unit stored as several parts, or two units of one name): its counts are then shared
/// among them by area, and the key is reported in `out.shared_keys`.
struct KeyUnits {
    std::unordered_map<std::string, std::vector<std::int32_t>> unit_of;
    std::vector<std::string> text;                       ///< each key decoded
    std::vector<const std::vector<std::int32_t>*> units; ///< each key's units (null: none)
};

void match_keys(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                const std::vector<std::string>& unit_names, const Interner& keys,
                const TextPolicy& text, KeyUnits& ku, CountsRead& out) {
    auto index_unit = [&](const std::string& k, std::size_t i) {
        const std::string m = match_key(k, spec.key_match);
        if (m.empty()) return;
        auto& units = ku.unit_of[m];
        if (std::find(units.begin(), units.end(), static_cast<std::int32_t>(i)) == units.end())
            units.push_back(static_cast<std::int32_t>(i));
    };
    for (std::size_t i = 0; i < unit_keys.size(); ++i)
        index_unit(unit_keys[i], i);
    if (spec.key_match == KeyMatch::name)
        for (std::size_t i = 0; i < unit_names.size(); ++i)
            index_unit(unit_names[i], i);
    ku.text.assign(keys.size(), {});
    ku.units.assign(keys.size(), nullptr);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        ku.text[k] = text.decode(keys.values()[k]);
        const std::string m = match_key(ku.text[k], spec.key_match);
        auto it = m.empty() ? ku.unit_of.end() : ku.unit_of.find(m);
        if (it != ku.unit_of.end()) {
            ku.units[k] = &it->second;
            if (it->second.size() > 1) out.shared_keys.emplace_back(ku.text[k], it->second.size());
        }
    }
    std::sort(out.shared_keys.begin(), out.shared_keys.end());
}

/// The second pass: each row's time, then its key; accepted rows shared among their units.
void accept_rows(const CountsSourceSpec& spec, const std::vector<Row>& rows,
                 const TimeReader& times, const KeyUnits& ku, const std::vector<double>& unit_area,
                 const std::optional<Period>& period, CountsRead& out) {
    analysis::AreaCounts& ac = out.counts;
    std::map<std::string, double> unknown;
    bool monthly = true, any_time = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::int32_t year = 0, month = 0;
        if (times.enabled()) {
            const TimeReader::Result t = times.get(i);
            if (t.status != TimeReader::Status::ok) {
                out.rejects.add(t.status == TimeReader::Status::missing ? RejectReason::missing_time
                                                                        : RejectReason::bad_time,
                                r.fid, t.detail, r.n);
                continue;
            }
            // Counts per area are kept per month (or year): a finer time names its month.
            const CivilTime c = from_seconds(t.value.seconds);
            const bool yearly = t.value.span > 31 * kSpanDay;
            const std::int64_t start =
                to_seconds(CivilTime{c.year, yearly ? 1 : c.month, 1, 0, 0, 0});
            if (period && !in_period(*period, t.value.seconds, t.value.span)) {
                out.rejects.add(RejectReason::outside_period, r.fid,
                                yearly ? fmt::format("{}", c.year)
                                       : fmt::format("{}-{:02}", c.year, c.month),
                                r.n);
                continue;
            }
            year = c.year;
            month = yearly ? 0 : c.month;
            monthly = monthly && !yearly;
            any_time = true;
            const std::int64_t end =
                yearly ? to_seconds(CivilTime{c.year + 1, 1, 1, 0, 0, 0})
                       : to_seconds(CivilTime{c.month == 12 ? c.year + 1 : c.year,
                                              c.month == 12 ? 1 : c.month + 1, 1, 0, 0, 0});
            if (out.time_min == analysis::kNoTime || start < out.time_min) out.time_min = start;
            if (out.time_max == analysis::kNoTime || start > out.time_max) out.time_max = start;
            if (out.time_end == analysis::kNoTime || end > out.time_end) out.time_end = end;
        }
        const auto* units = ku.units[static_cast<std::size_t>(r.key)];
        if (!units) {
            const std::string& key = ku.text[static_cast<std::size_t>(r.key)];
            unknown[key] += r.n;
            out.rejects.add(RejectReason::unknown_unit, r.fid,
                            fmt::format("{} = '{}'", spec.key, key), r.n);
            continue;
        }
        double total_area = 0;
        for (std::int32_t k : *units)
            total_area += unit_area.empty() ? 1.0 : unit_area[k];
        for (std::int32_t k : *units) {
            const double part = unit_area.empty() ? 1.0 : unit_area[k];
            ac.unit.push_back(k);
            ac.category.push_back(r.category);
            ac.year.push_back(year);
            ac.month.push_back(month);
            ac.count.push_back(total_area > 0 ? r.n * part / total_area
                                              : r.n / static_cast<double>(units->size()));
        }
    }
    out.monthly = any_time && monthly;
    out.unknown_keys.assign(unknown.begin(), unknown.end());
    std::stable_sort(out.unknown_keys.begin(), out.unknown_keys.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
}

/// How the table was read, for run_info, and the keys that help, for failures.
void describe_counts(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                     const std::vector<std::string>& unit_names, const TextPolicy& text,
                     const TimeReader& times, bool with_count, CountsRead& out) {
    out.info.emplace_back("counts_encoding", text.description());
    out.info.emplace_back("counts_key_match", to_string(spec.key_match));
    out.info.emplace_back("counts_form", with_count ? "counts per row (" + spec.count + ")"
                                                    : "one record per row");
    for (const auto& kv : times.info())
        out.info.push_back(kv);
    out.time_suggestion = times.enabled() ? times.suggestion() : "";
    {
        std::string examples;
        for (std::size_t i = 0; i < unit_keys.size() && i < 3; ++i)
            examples += fmt::format("{}'{}'", i ? ", " : "", unit_keys[i]);
        if (unit_keys.empty())
            for (std::size_t i = 0; i < unit_names.size() && i < 3; ++i)
                examples += fmt::format("{}'{}'", i ? ", " : "", unit_names[i]);
        out.key_suggestion = fmt::format(
            "the boundary's keys look like {}; give key_match = \"number\" (5001 = 05001) or "
            "key_match = \"name\" (case, accents and punctuation folded), or derive the key with "
            "sql = \"SELECT ... FROM ...\"",
            examples.empty() ? "nothing" : examples);
    }
}

} // namespace

CountsRead read_counts(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                       const std::vector<std::string>& unit_names,
                       const std::vector<double>& unit_area, const std::optional<Period>& period) {
    CountsRead out;
    OpenLayer source{spec.location()};
    OGRLayer& layer = source.layer();
    out.layer = source.name();
    const std::string where = source.where();
    const int key_i = find_field(source, spec.key, "key");
    const int count_i = spec.count.empty() ? -1 : find_field(source, spec.count, "count");
    const int cat_i = spec.category.empty() ? -1 : find_field(source, spec.category, "category");
    bool count_numeric = false;
    if (count_i >= 0) {
        const OGRFieldType t = layer.GetLayerDefn()->GetFieldDefn(count_i)->GetType();
        count_numeric = t == OFTReal || t == OFTInteger || t == OFTInteger64;
    }
    if (!spec.month.empty() && spec.year.empty())
        throw InputError{fmt::format("{}: month = \"{}\" needs year too", where, spec.month)};
    TimeSpec ts = spec.time;
    if (ts.empty() && !spec.year.empty()) {
        ts.year = spec.year;
        ts.month = spec.month;
    }
    TimeReader times{source, ts};
    TextPolicy text{source, spec.encoding};
    {
        OGRFeatureDefn* d = layer.GetLayerDefn();
        for (int i = 0; i < d->GetFieldCount(); ++i)
            text.observe(d->GetFieldDefn(i)->GetNameRef(), 0);
    }
    auto count_of = [&](OGRFeature& f, bool allow_empty) {
        return count_i < 0
                   ? 1.0
                   : whole_number(f, count_i, count_numeric, spec.count, where, allow_empty);
    };

    // With a where filter, every row it removes is listed with its incidents: first the whole
    // table (FID → count), then the rows that pass; the rest were filtered (a NULL filter
    // value removes a row too, and it is listed).
    std::vector<std::pair<std::int64_t, double>> all_rows;
    if (!spec.where.empty()) {
        layer.ResetReading();
        for (auto& f : layer)
            all_rows.emplace_back(f->GetFID(), count_of(*f, true));
        apply_where(layer, spec.path, spec.where);
    }

    // Pass 1: the rows as read.
    std::vector<Row> rows;
    Interner keys, labels;
    std::vector<std::int64_t> passed_fids;
    layer.ResetReading();
    for (auto& f : layer) {
        ++out.rows;
        if (!spec.where.empty()) passed_fids.push_back(f->GetFID());
        const std::int64_t fid = f->GetFID();
        const double n = count_of(*f, false);
        if (n < 0)
            throw InputError{
                fmt::format("{}: row {}: field '{}' = {} is negative", where, fid, spec.count, n)};
        out.incidents += n;
        times.collect(*f, fid);
        Row r{fid, -1, -1, n};
        const std::string key = field_text(*f, key_i);
        r.key = keys.add(key);
        if (static_cast<std::size_t>(r.key) + 1 == keys.size()) text.observe(key, fid);
        if (cat_i >= 0) {
            const std::string label = field_text(*f, cat_i);
            r.category = labels.add(label);
            if (static_cast<std::size_t>(r.category) + 1 == labels.size()) text.observe(label, fid);
        }
        rows.push_back(r);
    }
    times.decide();
    text.decide();
    for (const auto& w : times.warnings())
        out.warnings.push_back(w);
    if (!text.warning().empty()) out.warnings.push_back(text.warning());

    KeyUnits ku;
    match_keys(spec, unit_keys, unit_names, keys, text, ku, out);
    analysis::AreaCounts& ac = out.counts;
    for (const std::string& l : labels.values())
        ac.categories.push_back(text.decode(l));
    accept_rows(spec, rows, times, ku, unit_area, period, out);
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
    describe_counts(spec, unit_keys, unit_names, text, times, count_i >= 0, out);
    return out;
}

} // namespace vigia::io
