# The dependency rule (docs/ARCHITECTURE.md), checked on every build: each folder may include
# only the folders listed for it. Run as `cmake -DSOURCE_DIR=... -P CheckLayers.cmake`; a
# violation names the file, the line and the rule, and fails the build.
#
#   bot/ (seams)   bot/ seams only - never bot/server/
#   storage/       bot/ seams, storage/
#   config/        bot/ seams, config/
#   adapters/      bot/ seams, config/, adapters/
#   domain/        bot/ seams, storage/, config/, domain/
#   dialogs/       bot/ seams, storage/, config/, domain/, dialogs/
#   web/           bot/ seams, storage/, config/, domain/, web/ (a front end beside dialogs/)
#   bot/server/    everything (the wiring)
set(rules
  "bot:bot"
  "storage:bot storage"
  "config:bot config"
  "adapters:bot config adapters"
  "domain:bot storage config domain"
  "dialogs:bot storage config domain dialogs"
  "web:bot storage config domain web")

set(violations "")
foreach(rule IN LISTS rules)
  string(REPLACE ":" ";" parts "${rule}")
  list(GET parts 0 folder)
  list(GET parts 1 allowed)
  string(REPLACE " " ";" allowed "${allowed}")
  file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.h" "${SOURCE_DIR}/${folder}/*.cc")
  foreach(f IN LISTS files)
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
    if(folder STREQUAL "bot" AND rel MATCHES "^bot/server/")
      continue()  # the wiring may include anything
    endif()
    file(STRINGS "${f}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[^\"]+\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*" "\\1" inc "${line}")
      string(REGEX MATCH "^[^/]+" top "${inc}")
      if(NOT inc MATCHES "/")
        continue()  # a system-style or same-folder include without a path
      endif()
      list(FIND allowed "${top}" found)
      if(found EQUAL -1 OR inc MATCHES "^bot/server/")
        string(APPEND violations "  ${rel}: includes \"${inc}\" (${folder}/ may include: ${allowed}; never bot/server/)\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "layering violations (docs/ARCHITECTURE.md, the dependency rule):\n${violations}")
endif()
