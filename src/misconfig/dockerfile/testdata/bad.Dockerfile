FROM ubuntu
MAINTAINER ops@example.com
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY42
ARG NPM_TOKEN
RUN apt-get update
RUN apt-get install curl sudo
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
RUN sudo apt-get dist-upgrade -y
ADD https://example.com/tool.tar.gz /opt/
ADD config.yml /etc/app/
RUN cd /opt && tar xzf tool.tar.gz
WORKDIR app
COPY . .
COPY id_rsa /root/.ssh/id_rsa
RUN chmod -R 777 /app && useradd -u 100000 app
RUN pip install flask requests==2.31.0 && npm install
RUN apt install -y git \
 && wget -qO- https://example.com/cli.tgz \
    | tar -xz -C /usr/local/bin
COPY --from=builder /out /usr/local/bin/
FOOBAR enabled
EXPOSE 22 8080
CMD ["node", "server.js"]
CMD node server.js
