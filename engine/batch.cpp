#include "engine/batch.hpp"
#include "engine/report.hpp"

#include "analysis/error.hpp"
#include "engine/alliance.hpp"
#include "engine/fingerprint.hpp"
#include "engine/labels.hpp"
#include "io/city_file.hpp"
#include "io/layer_styles.hpp"
#include "io/partial_files.hpp"
#include "io/postgis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

namespace vigia::engine {

namespace fs = std::filesystem;

std::string summary(const CityResult& r) {
    std::string s = fmt::format("{} ({}): {} cells, {} sub-units, {}\n", r.name, r.slug, r.cells,
                                r.units, r.crs);
    const double pct = r.records > 0 ? 100.0 * r.accepted / r.records : 0.0;
    s += fmt::format("  {} {:.0f} of {:.0f} incidents counted ({:.1f}%)\n",
                     r.from_counts ? "counts per area:" : "points:", r.accepted, r.records, pct);
    for (const auto& [reason, n] : r.rejected)
        s += fmt::format("  not counted, {}: {:.0f}\n", reason, n);
    if (!r.headline.empty()) s += fmt::format("  {}\n", r.headline);
    for (const auto& w : r.warnings)
        s += fmt::format("  warning: {}\n", w);
    s += fmt::format("  wrote {} in {:.1f} s\n", r.output.string(), r.seconds);
    return s;
}

SharedBreaks batch_breaks(const std::vector<CityResult>& cities) {
    auto breaks = [&](std::vector<double> CityResult::*member) {
        std::vector<const std::vector<double>*> values;
        for (const CityResult& c : cities)
            values.push_back(&(c.*member));
        return shared_breaks(values);
    };
    SharedBreaks b;
    b.density_km2_year = breaks(&CityResult::grid_density_year);
    b.rate_100k = breaks(&CityResult::grid_rate_eb);
    b.units_density_km2_year = breaks(&CityResult::unit_density_year);
    b.units_rate_100k = breaks(&CityResult::unit_rate_eb);
    return b;
}

BatchResult run_manifest(const Manifest& manifest, const RunOptions& options,
                         const std::vector<std::string>& only, std::FILE* out, std::FILE* err) {
    for (const auto& slug : only) {
        const bool known = std::any_of(manifest.cities.begin(), manifest.cities.end(),
                                       [&](const CityConfig& c) { return c.slug == slug; });
        if (!known) {
            std::string list;
            for (const auto& c : manifest.cities)
                list += (list.empty() ? "" : ", ") + c.slug;
            throw UsageError{fmt::format("--city {}: no such city in {} (cities: {})", slug,
                                         manifest.path.string(), list)};
        }
    }
    // Nothing is replaced without --overwrite: say every output in the way before any work.
    if (!options.overwrite) {
        std::vector<fs::path> outputs;
        if (options.alliance) outputs = alliance_paths(options.out_dir);
        for (const CityConfig& city : manifest.cities) {
            if (!only.empty() && std::find(only.begin(), only.end(), city.slug) == only.end())
                continue;
            for (const auto& p : city_paths(manifest, city, options.out_dir))
                outputs.push_back(p);
            if (options.private_report)
                outputs.push_back(options.out_dir / (city.slug + "_report_private.html"));
        }
        std::string existing;
        for (const auto& p : outputs)
            if (fs::exists(p)) existing += (existing.empty() ? "" : ", ") + p.string();
        if (!existing.empty())
            throw IoError{fmt::format("{}: exists already; pass --overwrite to replace", existing)};
    }
    // Partial files a killed run left beside its outputs.
    if (const auto stale = io::remove_stale_partials(options.out_dir); !stale.empty()) {
        std::string names;
        for (std::size_t i = 0; i < stale.size() && i < 5; ++i)
            names += (i ? ", " : "") + stale[i].filename().string();
        std::fprintf(out, "removed %zu partial files left by a stopped run: %s%s\n", stale.size(),
                     names.c_str(), stale.size() > 5 ? ", ..." : "");
    }
    // In a database a slug's '-' is '_', a public copy's schema ends in _public and the
    // alliance has its own: no two outputs may meet in one schema.
    if (options.database) {
        std::map<std::string, std::string> owner; // schema -> what writes it
        if (options.alliance) owner.emplace(io::schema_name("alliance"), "the alliance");
        for (const CityConfig& city : manifest.cities) {
            if (!only.empty() && std::find(only.begin(), only.end(), city.slug) == only.end())
                continue;
            std::vector<std::string> schemas;
            try {
                schemas = city_schemas(city.slug);
            } catch (const InputError&) {
                continue; // that city fails on its own, with the reason
            }
            for (const std::string& schema : schemas)
                if (auto [it, fresh] = owner.emplace(schema, "city '" + city.slug + "'"); !fresh)
                    throw InputError{fmt::format(
                        "{}: city '{}' and {} would both write the schema {}; give one a "
                        "slug = \"...\"",
                        manifest.path.string(), city.slug, it->second, schema)};
        }
        check_database(*options.database);
    }
    BatchResult result;
    Progress progress{options.quiet};
    for (const CityConfig& city : manifest.cities) {
        if (!only.empty() && std::find(only.begin(), only.end(), city.slug) == only.end()) continue;
        try {
            // A city whose schemas are in the way is not computed: it fails, they are kept.
            if (options.database) {
                const auto in_the_way =
                    existing_schemas(*options.database, city_schemas(city.slug));
                if (!in_the_way.empty())
                    throw IoError{
                        fmt::format("{}: schema {} exists already; pass --overwrite to replace",
                                    options.database->connection, in_the_way.front())};
            }
            result.done.push_back(run_city(manifest, city, options, progress));
        } catch (const VigiaError& e) {
            if (!options.quiet) std::fputc('\n', err);
            std::fprintf(err, "vigia: %s (%s): %s\n", city.name.c_str(), city.slug.c_str(),
                         e.what());
            result.failed.push_back({city.slug, e.what()});
        }
    }
    // Every city's files are complete but for what needs the whole batch: the default QGIS
    // styles, whose density and rate classes are shared by all cities. Then into place.
    const Language language = manifest.analysis.language;
    const SharedBreaks breaks = batch_breaks(result.done);
    std::vector<CityResult> committed;
    for (CityResult& r : result.done) {
        try {
            for (io::GpkgWriter* w : {r.files->full.get(), r.files->pub.get()})
                if (w) present(w->temporary_path(), w->layers(), language, breaks);
            r.files->commit();
            // The pages are made from the files now in place (engine/report.hpp).
            write_city_report(options.out_dir, r.slug, true, options.overwrite);
            if (options.private_report)
                write_city_report(options.out_dir, r.slug, false, options.overwrite);
            std::string published;
            double publish_s = 0;
            if (options.database) {
                const auto t0 = std::chrono::steady_clock::now();
                for (const std::string& schema :
                     publish_city(*options.database, options.out_dir, r.slug))
                    published += (published.empty() ? "" : ", ") + schema;
                publish_s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
            std::fputs(summary(r).c_str(), out);
            if (!published.empty())
                std::fprintf(out, "  into %s: %s in %.1f s\n", options.database->connection.c_str(),
                             published.c_str(), publish_s);
            std::fflush(out);
            committed.push_back(std::move(r));
        } catch (const VigiaError& e) {
            std::fprintf(err, "vigia: %s (%s): %s\n", r.name.c_str(), r.slug.c_str(), e.what());
            result.failed.push_back({r.slug, e.what()});
        }
    }
    result.done = std::move(committed);
    if (!result.done.empty() && options.alliance) {
        write_alliance(options.out_dir, result.done, options.overwrite, manifest.analysis.language,
                       manifest.publish.min_count);
        std::vector<MissingCity> missing;
        for (const CityFailure& f : result.failed)
            missing.push_back({f.slug, true});
        write_alliance_report(options.out_dir, missing, options.overwrite);
        const auto paths = alliance_paths(options.out_dir);
        std::fprintf(out, "alliance: %s, %s, %s and %s (%zu cities)\n", paths[0].string().c_str(),
                     paths[1].string().c_str(), paths[2].string().c_str(),
                     paths[3].string().c_str(), result.done.size());
        if (options.database) {
            try {
                publish_alliance(*options.database, options.out_dir);
                std::fprintf(out, "alliance: into %s: %s\n", options.database->connection.c_str(),
                             io::schema_name("alliance").c_str());
            } catch (const VigiaError& e) {
                std::fprintf(err, "vigia: alliance: %s\n", e.what());
                result.alliance_error = e.what();
            }
        }
    }
    return result;
}

bool city_complete(const Manifest& manifest, const CityConfig& city, const fs::path& out_dir) {
    const std::string expected = fingerprint(method_parameters(manifest));
    for (const fs::path& p : city_paths(manifest, city, out_dir)) {
        if (p.extension() != ".gpkg") continue;
        if (!fs::exists(p)) return false;
        std::string found;
        for (const auto& [k, v] : io::read_run_info(p))
            if (k == "method_fingerprint") found = v;
        if (found != expected) return false;
    }
    return true;
}

} // namespace vigia::engine
