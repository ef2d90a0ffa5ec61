# One image for every role: the API, the workers and one-shot commands
# (migrate, import, reclassify). The role is the command: see docker-compose.yml.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so source edits do not re-run the install layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY config ./config
COPY services ./services
COPY workers ./workers
COPY migrations ./migrations
COPY samples ./samples
COPY tsconfig.json ./

USER node
ENTRYPOINT ["node", "bin/framewatch.js"]
CMD ["api"]
