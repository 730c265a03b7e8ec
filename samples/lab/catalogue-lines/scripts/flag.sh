#!/bin/sh
# kalog lab: fails (exit 1) while the flag file named by $1 exists
[ ! -e "$1" ]
