#include "engine/report_page.hpp"

#include "analysis/error.hpp"
#include "engine/labels.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace vigia::engine::report {

std::string Words::operator()(std::string_view key) const {
    return text(language, fmt::format("report.{}", key));
}

std::string Words::operator()(std::string_view key,
                              const std::map<std::string, std::string>& values) const {
    return fill_placeholders((*this)(key), values, key);
}

std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string base64(std::string_view bytes) {
    static constexpr char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
        for (int k = 3; k >= 0; --k)
            out += table[(n >> (6 * k)) & 63];
    }
    if (i < bytes.size()) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size())
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) throw IoError{fmt::format("{}: cannot be read", path.string())};
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw IoError{fmt::format("{}: reading failed", path.string())};
    return s.str();
}

std::string image(std::string_view bytes, std::string_view mime, std::string_view alt,
                  std::string_view cls) {
    return fmt::format(R"(<img{} alt="{}" src="data:{};base64,{}">)",
                       cls.empty() ? "" : fmt::format(R"( class="{}")", cls), escape(alt), mime,
                       base64(bytes));
}

std::string number(Language language, double value, int decimals) {
    if (!std::isfinite(value)) return "—";
    // format_number rounds to at most `decimals`; −0 is shown as 0.
    const double r = std::round(value * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    return format_number(language, r == 0 ? 0.0 : r, decimals);
}

std::string percent(Language language, double share, int decimals) {
    if (!std::isfinite(share)) return "—";
    const bool spaced = language == Language::es || language == Language::fr;
    return number(language, share * 100, decimals) + (spaced ? "\u00a0%" : "%");
}

std::string metric_value(Language language, std::string_view category, std::string_view metric,
                         double value, int decimals, bool as_percent, bool is_count) {
    const std::string shown =
        as_percent ? percent(language, value, decimals) : number(language, value, decimals);
    std::string count_attr;
    if (is_count && std::isfinite(value)) count_attr = fmt::format(R"( data-count="{}")", value);
    return fmt::format(
        R"(<span class="value" data-metric="{}" data-category="{}" data-decimals="{}"{}{}>{}</span>)",
        escape(metric), escape(category), decimals, as_percent ? " data-percent" : "", count_attr,
        escape(shown));
}

std::string count(Language language, double value, std::string_view suppressed_text) {
    if (!std::isfinite(value))
        return fmt::format(R"(<span class="suppressed">{}</span>)", escape(suppressed_text));
    return fmt::format(R"(<span data-count="{}">{}</span>)", value,
                       escape(number(language, value, value == std::round(value) ? 0 : 1)));
}

io::LineChart lorenz_frame(const Words& w) {
    io::LineChart chart;
    chart.format = chart_format(w.language);
    chart.x_label = w("lorenz_x");
    chart.y_label = w("lorenz_y");
    chart.x_range = std::array<double, 2>{0, 1};
    chart.y_range = std::array<double, 2>{0, 1};
    chart.x_percent = chart.y_percent = true;
    chart.series.push_back({w("equality"), {0, 1}, {0, 1}, {0.55, 0.55, 0.55, 1}, 1.2, true});
    return chart;
}

io::NumberFormat chart_format(Language language) {
    return [language](double value, int decimals) { return number(language, value, decimals); };
}

namespace {

constexpr std::string_view kCss = R"css(
:root { --ink: #1b1b1b; --muted: #555; --rule: #d0d0d0; --accent: #0072B2; --soft: #f3f5f7; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: var(--ink);
       font-size: 15px; line-height: 1.45; background: #fff; }
body { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p.sub { color: var(--muted); margin: 0 0 1rem; }
p.lead { font-size: 1.15rem; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .3rem; background: var(--soft);
         border: 1px solid var(--rule); font-size: .85rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: .8rem 0; }
.card { border: 1px solid var(--rule); border-radius: .4rem; padding: .6rem .7rem; background: var(--soft); }
.card .value { display: block; font-size: 1.45rem; font-weight: bold; }
.card .label { display: block; font-size: .85rem; color: var(--muted); }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; overflow-wrap: anywhere; margin: .6rem 0 1rem; font-size: .85rem; }
caption { text-align: left; font-weight: bold; margin-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.suppressed { color: var(--muted); font-style: italic; }
.note { font-size: .85rem; color: var(--muted); }
.params { column-count: 2; column-gap: 1.5rem; font-size: .78rem; }
.params div { break-inside: avoid; }
table.small { font-size: .72rem; }
.params code, code { font-family: "DejaVu Sans Mono", monospace; font-size: .95em; word-break: break-all; }
a { color: var(--accent); }
@media (max-width: 40rem) { .two { grid-template-columns: 1fr; } .params { column-count: 1; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.major { break-before: page; page-break-before: always; }
  tr, .card, figure { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-height: 110mm; width: auto; margin: 0 auto; }
  section { break-inside: auto; }
  .two figure img { max-height: 80mm; }
  a { color: inherit; text-decoration: none; }
}
)css";

} // namespace

std::string page(Language language, std::string_view title, std::string_view body) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"Vigía\">\n<title>{}</title>\n<style>{}</style>\n"
        "</head>\n<body>\n{}\n</body>\n</html>\n",
        to_string(language), escape(title), kCss, body);
}

void write_page(const std::filesystem::path& path, const std::string& html, bool overwrite) {
    if (!overwrite && std::filesystem::exists(path))
        throw IoError{
            fmt::format("{}: exists already; pass --overwrite to replace", path.string())};
    const std::filesystem::path tmp =
        path.parent_path() /
        fmt::format(".{}.partial-{}.html", path.stem().string(), static_cast<long>(::getpid()));
    {
        std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
        if (!out) throw IoError{fmt::format("{}: cannot create", tmp.string())};
        out << html;
        out.close();
        if (!out) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw IoError{fmt::format("{}: writing failed", tmp.string())};
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw IoError{fmt::format("{}: cannot rename into place: {}", path.string(), ec.message())};
    }
}

} // namespace vigia::engine::report
