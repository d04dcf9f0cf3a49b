// The categories stage: the city's offence labels mapped to UNODC ICCS codes by its map
// (docs/methods.md §13); unmapped labels stay in every count and are listed.

#include "engine/stages/stages.hpp"
#include "io/feature_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vigia::engine {

namespace {

class CategoriesStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "categories"; }
    std::vector<std::string_view> needs() const override { return {"count"}; }
    bool applies(const CityContext& ctx) const override { return !ctx.city->categories.empty(); }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        const CityConfig& city = *ctx.city;
        const auto map = io::read_category_map(city.categories);
        std::map<std::string, std::string> code(map.begin(), map.end());
        const std::vector<std::string>& labels =
            ctx.points ? ctx.points->incidents.categories : ctx.counts->counts.categories;
        std::vector<double> per_label(labels.size(), 0.0);
        double no_label = 0;
        if (ctx.points) {
            for (std::int32_t c : ctx.points->incidents.category)
                (c >= 0 ? per_label[c] : no_label) += 1;
        } else {
            const auto& ac = ctx.counts->counts;
            for (std::size_t r = 0; r < ac.size(); ++r)
                (ac.category[r] >= 0 ? per_label[ac.category[r]] : no_label) += ac.count[r];
        }
        ctx.iccs_of_category.clear();
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const auto it = code.find(labels[i]);
            ctx.iccs_of_category.push_back(it == code.end() ? "" : it->second);
            if (it == code.end()) ctx.unmapped.emplace_back(labels[i], per_label[i]);
        }
        if (no_label > 0) ctx.unmapped.emplace_back("(no category)", no_label);
        std::stable_sort(ctx.unmapped.begin(), ctx.unmapped.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        if (ctx.unmapped.empty()) return;
        double total = 0;
        std::string list;
        for (std::size_t i = 0; i < ctx.unmapped.size(); ++i) {
            total += ctx.unmapped[i].second;
            if (i < 3)
                list += fmt::format("{}'{}' ({})", i ? ", " : "", ctx.unmapped[i].first,
                                    ctx.unmapped[i].second);
        }
        ctx.warnings.push_back(fmt::format("{} categories ({} incidents) are not in {}: {}{} "
                                           "(table unmapped_categories)",
                                           ctx.unmapped.size(), total, city.categories, list,
                                           ctx.unmapped.size() > 3 ? ", ..." : ""));
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        io::LayerData& d = sink.layer("unmapped_categories");
        d.description = describe(ctx, "unmapped_categories");
        std::vector<std::string> label;
        std::vector<double> incidents;
        for (const auto& [l, n] : ctx.unmapped) {
            label.push_back(l);
            incidents.push_back(n);
        }
        sink.column("unmapped_categories", {"label", std::move(label)});
        sink.column("unmapped_categories", {"incidents", std::move(incidents)});
    }
};

} // namespace

const Stage& stages::categories() {
    static const CategoriesStage s;
    return s;
}

} // namespace vigia::engine
