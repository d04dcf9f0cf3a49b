#include "io/cairo_util.hpp"

#include "analysis/error.hpp"
#include "io/text.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace vigia::io {

void write_png(cairo_surface_t* surface, const std::filesystem::path& path,
               const std::string& where) {
    struct FileCloser {
        void operator()(std::FILE* f) const noexcept { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> file{std::fopen(path.c_str(), "wb")};
    if (!file)
        throw IoError{
            fmt::format("{}: cannot create {}: {}", where, path.string(), std::strerror(errno))};
    struct Sink {
        std::FILE* f;
        int error = 0;
    } sink{file.get()};
    const cairo_status_t st = cairo_surface_write_to_png_stream(
        surface,
        [](void* closure, const unsigned char* data, unsigned int length) {
            auto* s = static_cast<Sink*>(closure);
            if (std::fwrite(data, 1, length, s->f) == length) return CAIRO_STATUS_SUCCESS;
            s->error = errno;
            return CAIRO_STATUS_WRITE_ERROR;
        },
        &sink);
    if (st != CAIRO_STATUS_SUCCESS)
        throw IoError{
            fmt::format("{}: writing {} failed: {}", where, path.string(),
                        sink.error ? std::strerror(sink.error) : cairo_status_to_string(st))};
    if (std::fclose(file.release()) != 0)
        throw IoError{
            fmt::format("{}: writing {} failed: {}", where, path.string(), std::strerror(errno))};
}

std::string drawable_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const std::size_t bad = first_invalid_utf8(s);
        for (const char c : s.substr(0, bad))
            out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
        if (bad == std::string_view::npos) break;
        out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
        s.remove_prefix(bad + 1);
    }
    return out;
}

void unhinted_metrics(cairo_t* cr) {
    cairo_font_options_t* o = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, o);
    cairo_font_options_destroy(o);
}

} // namespace vigia::io
