# Board mps2-an386 (Cortex-M4, QEMU). Included by firmware/CMakeLists.txt when PQCEA_BOARD is mps2-an386.
# A board file sets exactly these variables; a new board is a new folder with its own.
set(PQCEA_BOARD_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/port.cpp
    ${PQCEA_FIRMWARE_DIR}/board/cortex-m/startup.cpp
    ${PQCEA_FIRMWARE_DIR}/board/cortex-m/semihosting.cpp
    ${PQCEA_FIRMWARE_DIR}/board/cortex-m/systick.cpp)
set(PQCEA_BOARD_INCLUDE_DIRS ${PQCEA_FIRMWARE_DIR}/board/cortex-m)
set(PQCEA_BOARD_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/memory.ld)
set(PQCEA_BOARD_LINKER_DIRS ${PQCEA_FIRMWARE_DIR}/board/cortex-m)
# How CTest runs an image (the ELF path is appended). -icount shift=0 makes every instruction
# 1 ns of virtual time, which the SysTick instruction counter relies on.
set(PQCEA_BOARD_RUN
    qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native
    -icount shift=0,align=off,sleep=off
    -kernel)
