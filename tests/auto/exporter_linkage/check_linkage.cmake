# cmake -DEXPORTER=<path to ecr_exporter> -P check_linkage.cmake
# Fails when the binary's dynamic section lists a Qt GUI-side library.
if(NOT EXISTS "${EXPORTER}")
    message(FATAL_ERROR "FAIL: ${EXPORTER} does not exist: build the ecr_exporter target first")
endif()
find_program(READELF readelf)
if(NOT READELF)
    message(FATAL_ERROR "FAIL: readelf not found: install it with `apt-get install binutils`")
endif()
execute_process(COMMAND ${READELF} --dynamic --wide "${EXPORTER}"
    OUTPUT_VARIABLE dynamic ERROR_VARIABLE errors RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "FAIL: readelf -d ${EXPORTER} failed (${rc}): ${errors}")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" needed_lines "${dynamic}")
set(needed "")
foreach(line IN LISTS needed_lines)
    string(REGEX REPLACE ".*\\[([^]]+)\\]$" "\\1" library "${line}")
    list(APPEND needed "${library}")
endforeach()
message(STATUS "NEEDED: ${needed}")
# The parse must have worked: the exporter certainly needs Qt Core.
if(NOT needed MATCHES "libQt6Core\\.so")
    message(FATAL_ERROR "FAIL: libQt6Core not among the NEEDED entries (${needed}); cannot trust this check")
endif()
set(forbidden "")
foreach(library IN LISTS needed)
    if(library MATCHES "^libQt6(Gui|Quick|Qml|QmlModels|Widgets|OpenGL|QuickControls2|Svg)[.]so"
       OR library MATCHES "^lib(GL|EGL|X11|xcb|wayland-client)[.]so")
        list(APPEND forbidden "${library}")
    endif()
endforeach()
if(forbidden)
    message(FATAL_ERROR "FAIL: ecr_exporter links GUI libraries: ${forbidden}. "
                        "It must link Qt Core, Network and HttpServer only (check target_link_libraries "
                        "of ecr_exporter, ecrcore and ecrsim).")
endif()
message(STATUS "PASS: no Qt Gui/Quick/Qml/Widgets among ${needed}")
