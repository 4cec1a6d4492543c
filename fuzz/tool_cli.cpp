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

namespace {

// An option whose text `parse(text, &reason)` checks strictly: a rejected value is a CLI11
// validation error naming the option (one line, exit 2 through parse_command_line).
template <class Parse>
CLI::Option* add_strict_option(CLI::App& app, const std::string& name, const char* type_name,
                               const std::string& description, Parse parse) {
  const std::string option_name = name.substr(0, name.find(','));
  return app
      .add_option_function<std::string>(
          name,
          [=](const std::string& text) {
            std::string reason;
            if (!parse(text, &reason)) throw CLI::ValidationError(option_name, reason);
          },
          description)
      ->type_name(type_name);
}

}  // namespace

CLI::Option* add_unsigned_option(CLI::App& app, const std::string& name, std::uint64_t* value, std::uint64_t min,
                                 std::uint64_t max, const std::string& description) {
  return add_strict_option(app, name, "N", description, [=](const std::string& text, std::string* reason) {
    return parse_unsigned_strict(text, min, max, value, reason);
  });
}

CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, double* value, double max,
                                const std::string& description) {
  return add_strict_option(app, name, "SECONDS", description, [=](const std::string& text, std::string* reason) {
    return parse_seconds_strict(text, max, value, reason);
  });
}

}  // namespace hafuzz
