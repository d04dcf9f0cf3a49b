#pragma once
/// \file
/// The building blocks of the HTML reports (engine/report.hpp): escaping, data URIs,
/// numbers in the page's language with the precision the browser tests read back, the
/// page's frame with its print CSS, and charts drawn by io/charts in the report's palette.

#include "engine/language.hpp"
#include "io/charts.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigia::engine::report {

/// The words of a page in its language: data/i18n/report.csv ("report.<key>"), with their
/// placeholders filled.
struct Words {
    Language language;
    std::string operator()(std::string_view key) const;
    std::string operator()(std::string_view key,
                           const std::map<std::string, std::string>& values) const;
};

/// `s` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string escape(std::string_view s);

/// RFC 4648 base64 of `bytes`.
std::string base64(std::string_view bytes);

/// The bytes of a file. Throws IoError naming it when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// `<img>` of PNG or SVG bytes as a data URI, with its alt text (and a class).
std::string image(std::string_view bytes, std::string_view mime, std::string_view alt,
                  std::string_view cls = "");

/// A number as the page shows it: format_number with `decimals` at most; "—" for NaN.
std::string number(Language language, double value, int decimals);
/// A share (0.25) as a percentage in the language's writing ("25 %" in es and fr, "25%"
/// in en and pt), one decimal by default.
std::string percent(Language language, double share, int decimals = 1);

/// A headline number element the browser tests read back: `<span class="value"
/// data-metric=… data-category=… data-decimals=… [data-percent]>text</span>`; a count adds
/// `data-count` (the public page's counts are checked against min_count).
std::string metric_value(Language language, std::string_view category, std::string_view metric,
                         double value, int decimals, bool as_percent, bool is_count);

/// A count in a table cell or sentence, marked `data-count` for the browser tests; NaN (a
/// suppressed count) shows `suppressed_text`.
std::string count(Language language, double value, std::string_view suppressed_text);

/// The whole page: doctype, `lang`, title, the inline CSS (screen and print: A4, page breaks
/// before major sections, figures and table rows never split), and `body`.
std::string page(Language language, std::string_view title, std::string_view body);

/// Writes `html` to `path` through a hidden partial file renamed into place when complete.
/// Throws IoError when `path` exists without `overwrite`, or when writing fails.
void write_page(const std::filesystem::path& path, const std::string& html, bool overwrite);

/// The exact (Garwood 1936) 95% interval of a Poisson mean observed as `n` (R's
/// poisson.test): [Γ⁻¹(n, 0.025), Γ⁻¹(n + 1, 0.975)], the lower bound 0 for n = 0; NaN for a
/// negative or non-finite n.
std::pair<double, double> poisson_interval(double n);

/// A Lorenz chart without its curves: both axes 0–100 %, their titles, and the dashed line of
/// equal spread as its first series.
io::LineChart lorenz_frame(const Words& w);

/// A formatter of chart ticks in the language.
io::NumberFormat chart_format(Language language);

} // namespace vigia::engine::report
