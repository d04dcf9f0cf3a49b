#pragma once
/// \file
/// A report page as headless Chromium sees it: tests/browser/check_report.mjs (playwright-core
/// driving Debian's /usr/bin/chromium with the network off) prints one fact per line, and
/// this reads the lines back. Header-only, like cli_helpers.hpp.

#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace vigia::test::cli {

struct BrowserImage {
    std::string src;
    int width = 0, height = 0;
    std::string alt;
};
struct BrowserMetric {
    std::string category, metric, text;
};
struct BrowserCount {
    double value = 0;
    std::string text;
};

/// What the checker saw of one page.
struct BrowserPage {
    int exit_code = -1;
    std::string err;
    std::string lang, text;
    std::vector<std::string> problems; ///< console errors and warnings, page errors, requests
    std::vector<BrowserImage> images;
    std::vector<BrowserMetric> metrics;
    std::vector<BrowserCount> counts;
    std::vector<std::string> headings; ///< "h2 Maps"
    int tables = 0, tables_without_th = 0, pdf_pages = 0;
    double pdf_width = 0, pdf_height = 0;
};

inline std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> f;
    std::size_t at = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', at);
        f.push_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
        if (tab == std::string::npos) return f;
        at = tab + 1;
    }
}

/// Opens `page` in the browser; with `pdf`, prints it to that file (A4) too.
inline BrowserPage open_in_browser(const std::filesystem::path& page,
                                   const std::filesystem::path& pdf = {}) {
    std::vector<std::string> args{std::string{VIGIA_SOURCE_DIR} + "/tests/browser/check_report.mjs",
                                  page.string()};
    if (!pdf.empty()) args.insert(args.end(), {"--pdf", pdf.string()});
    const RunResult r = run_program("node", args);
    BrowserPage b;
    b.exit_code = r.exit_code;
    b.err = r.err;
    std::istringstream in{r.out};
    std::string line;
    while (std::getline(in, line)) {
        const auto f = split_tabs(line);
        const std::string& kind = f[0];
        auto at = [&](std::size_t i) { return i < f.size() ? f[i] : std::string{}; };
        if (kind == "lang")
            b.lang = at(1);
        else if (kind == "console" || kind == "pageerror" || kind == "request")
            b.problems.push_back(line);
        else if (kind == "image")
            b.images.push_back({at(1), std::atoi(at(2).c_str()), std::atoi(at(3).c_str()), at(4)});
        else if (kind == "metric")
            b.metrics.push_back({at(1), at(2), at(3)});
        else if (kind == "count")
            b.counts.push_back({std::strtod(at(1).c_str(), nullptr), at(2)});
        else if (kind == "heading")
            b.headings.push_back(at(1) + " " + at(2));
        else if (kind == "table")
            b.tables = std::atoi(at(1).c_str());
        else if (kind == "table_without_th")
            b.tables_without_th = std::atoi(at(1).c_str());
        else if (kind == "pdf_pages")
            b.pdf_pages = std::atoi(at(1).c_str());
        else if (kind == "pdf_mediabox") {
            b.pdf_width = std::strtod(at(1).c_str(), nullptr);
            b.pdf_height = std::strtod(at(2).c_str(), nullptr);
        } else if (kind == "text")
            b.text = at(1);
    }
    return b;
}

/// A number as a report page writes it in `lang` (engine::format_number: "12,345.6" en,
/// "12.345,6" pt, "12 345,6" es and fr with a no-break space; "%" after a percentage; "—"
/// for none): the value (a percentage divided by 100), NaN for "—". `ok` is false for text
/// that is not such a number.
inline double parse_shown(const std::string& text, const std::string& lang, bool& ok) {
    ok = true;
    if (text == "—") return std::nan("");
    std::string s;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "\xc2\xa0") == 0) { // a no-break space
            ++i;
            continue;
        }
        const char c = text[i];
        if (c == '%') continue;
        if (lang == "en" && c == ',') continue;
        if (lang == "pt" && c == '.') continue;
        s += (lang != "en" && c == ',') ? '.' : c;
    }
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    ok = !s.empty() && end && *end == '\0';
    return text.find('%') != std::string::npos ? v / 100 : v;
}

} // namespace vigia::test::cli
