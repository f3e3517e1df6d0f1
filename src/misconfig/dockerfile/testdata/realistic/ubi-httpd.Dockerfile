FROM registry.access.redhat.com/ubi9/ubi:9.3
RUN dnf install -y --setopt=install_weak_deps=False nginx-1.20.1 && dnf clean all
RUN yum -y update && yum -y install httpd && yum clean all
RUN microdnf install -y shadow-utils && microdnf clean all
USER 1001
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
CMD ["nginx", "-g", "daemon off;"]
