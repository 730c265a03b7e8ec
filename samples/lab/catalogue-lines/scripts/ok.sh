#!/bin/sh
# kalog lab: a track script that always succeeds
exit 0
