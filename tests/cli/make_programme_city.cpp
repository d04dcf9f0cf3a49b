// Writes the generated city of programme_city.hpp into a folder: the illustrative programme of
// the demo (data/demo/illustrative/, see its PROVENANCE.md) is this program's output.
//   usage: vigia_make_programme_city FOLDER

#include "tests/cli/programme_city.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
        return 2;
    }
    vigia::test::cli::ProgrammeCity city; // the defaults: a 30% fall, a 10% rise in the buffers
    city.target_before = 20;
    city.target_after = 14;
    city.buffer_before = 30;
    city.buffer_after = 33;
    city.control = 150;
    city.write(argv[1]);
    std::printf("wrote %s: boundary.geojson, sites.geojson, incidents.csv\n", argv[1]);
    return 0;
}
