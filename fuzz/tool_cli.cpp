#include "tool_cli.h"

#include <cstdio>
#include <cstdlib>

#include "strict_number.h"

namespace hafuzz {

void exit_usage_error(const std::string& tool, const std::string& reason) {
  std::string line = reason;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), line.c_str());
  std::exit(EXIT_USAGE);
}

void parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    std::exit(0);
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    std::exit(0);
  } catch (const CLI::ParseError& error) {
    exit_usage_error(app.get_name(), error.what());
  }
}

CLI::Option* add_unsigned_option(CLI::App& app, const std::string& name, std::uint64_t* value, std::uint64_t min,
                                 std::uint64_t max, const std::string& description) {
  const std::string option_name = name.substr(0, name.find(','));
  return app
      .add_option_function<std::string>(
          name,
          [=](const std::string& text) {
            std::string reason;
            if (!parse_unsigned_strict(text, min, max, value, &reason)) {
              throw CLI::ValidationError(option_name, reason);
            }
          },
          description)
      ->type_name("N");
}

CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, double* value, double max,
                                const std::string& description) {
  const std::string option_name = name.substr(0, name.find(','));
  return app
      .add_option_function<std::string>(
          name,
          [=](const std::string& text) {
            std::string reason;
            if (!parse_seconds_strict(text, max, value, &reason)) throw CLI::ValidationError(option_name, reason);
          },
          description)
      ->type_name("SECONDS");
}

}  // namespace hafuzz
