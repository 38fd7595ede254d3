#!/bin/sh
# Converts the original Restcomm Load Balancer's lb.properties or lb-configuration.xml into a jboss-cli
# script for /subsystem=load-balancer, printed on standard output; what cannot be converted is listed on
# standard error. Exit status: 0 every key converted, 1 some keys not converted, 2 the file could not be read.
#
#   bin/lb-migrate.sh lb.properties > lb.cli && bin/jboss-cli.sh --connect --file=lb.cli && bin/jboss-cli.sh --connect reload

DIRNAME=$(dirname "$0")
if [ -n "$JAVA_HOME" ]; then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA=java
fi
exec "$JAVA" -jar "$DIRNAME/lb-migrate.jar" "$@"
