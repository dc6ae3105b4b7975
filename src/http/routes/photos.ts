import { Type } from 'typebox';
import { fileTooLarge } from '../../domain/files.js';
import type { PhotoCrop, PhotoSubject } from '../../domain/photos.js';
import { apiError, invalidInput, unrecognizedField } from '../../errors/api-error.js';
import { type ApiCall, type ApiResult, defineRoute } from '../api-route.js';
import { GroupParams, UserParams } from '../params.js';
import { presentPhoto } from '../presenters/photo.js';
import { jsonPartObject, multipartError, multipartParts } from './multipart.js';

/** Photo Input (F2 §8), as a JSON body or as query parameters; `versionNumber` is the file's only version. */
const PhotoInput = Type.Object(
  {
    fileId: Type.Optional(Type.String()),
    cropX: Type.Optional(Type.Integer({ minimum: 0 })),
    cropY: Type.Optional(Type.Integer({ minimum: 0 })),
    cropSize: Type.Optional(Type.Integer({ minimum: 1 })),
    versionNumber: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type PhotoInputValue = { fileId?: string | undefined; versionNumber?: string | undefined } & PhotoCrop;
/** What the POST helpers use of the call. */
type PhotoCall = Pick<ApiCall, 'request' | 'services' | 'viewer' | 'scope'> & { body: PhotoInputValue };

const NO_IMAGE =
  'Missing required image: specify fileId, or send the image as a multipart part named fileUpload.';
const CROP_FIELDS = ['cropX', 'cropY', 'cropSize'] as const;

/**
 * The photo resources (SPEC §12.2, F2 §8): a user's at `connect/user-profiles/{id}/photo` (v35+)
 * and `chatter/users/{id}/photo`, a group's at `chatter/groups/{id}/photo`. POST takes Photo
 * Input (`fileId` and the crop) as JSON or parameters, or a multipart body with the image in a
 * `fileUpload` part and the crop in a `json` part.
 */
export const photoRoutes = [
  ...photoResource('/connect/user-profiles/:userId/photo', 'user', { since: 35 }),
  ...photoResource('/chatter/users/:userId/photo', 'user', {}),
  ...photoResource('/chatter/groups/:groupId/photo', 'group', {}),
];

function photoResource(path: string, kind: PhotoSubject['kind'], options: { since?: number }) {
  const params = kind === 'user' ? UserParams : GroupParams;
  const subjectId = (p: Record<string, string>) => (kind === 'user' ? p.userId : p.groupId) as string;
  const whose = kind === 'user' ? "A user's" : "A group's";
  return [
    defineRoute({
      method: 'GET',
      path,
      summary: `${whose} photo`,
      ...options,
      communities: true,
      guests: true,
      xmlRoot: 'photo',
      schema: { params },
      handler: async ({ services, viewer, scope, ctx, params }) => {
        const subject = await services.photos.get(viewer, scope, kind, subjectId(params));
        return { body: presentPhoto(ctx, subject) };
      },
    }),
    defineRoute({
      method: 'POST',
      path,
      summary: `Set ${whose.toLowerCase()} photo (fileId and crop, or a multipart fileUpload part)`,
      ...options,
      communities: true,
      multipart: true,
      xmlRoot: 'photo',
      schema: { params, body: PhotoInput },
      handler: async (call) => {
        const rawId = subjectId(call.params);
        const subject = call.request.isMultipart()
          ? await uploadedPhoto(call, kind, rawId)
          : await filePhoto(call, kind, rawId, call.body);
        return { status: 201, body: presentPhoto(call.ctx, subject) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path,
      summary: `Remove ${whose.toLowerCase()} photo (back to the default picture)`,
      ...options,
      communities: true,
      schema: { params },
      handler: async ({ services, viewer, scope, params }): Promise<ApiResult> => {
        await services.photos.remove(viewer, scope, kind, subjectId(params));
        return { status: 204 };
      },
    }),
  ];
}

function filePhoto(
  { services, viewer, scope }: PhotoCall,
  kind: PhotoSubject['kind'],
  rawId: string,
  input: PhotoInputValue,
): Promise<PhotoSubject> {
  if (input.fileId === undefined) throw invalidInput(NO_IMAGE);
  return services.photos.setFromFile(viewer, scope, kind, rawId, input.fileId, input);
}

/**
 * A multipart POST: who may change the photo is checked before the body is read; the image is
 * read whole (sharp decodes from memory), bounded by the file limit (413 past it). A `json` part
 * may instead name a `fileId`.
 */
async function uploadedPhoto(
  call: PhotoCall,
  kind: PhotoSubject['kind'],
  rawId: string,
): Promise<PhotoSubject> {
  const { request, services, viewer, scope } = call;
  const limit = services.control.limits.maxFileBytes;
  const input: PhotoInputValue = { ...call.body };
  let image: Buffer | undefined;
  try {
    const subject = await services.photos.changeable(viewer, scope, kind, rawId);
    for await (const part of multipartParts(request, limit)) {
      if (part.type === 'file' && part.fieldname === 'fileUpload' && image === undefined) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        if (part.file.truncated) throw fileTooLarge(limit);
        image = Buffer.concat(chunks);
      } else if (part.type === 'file') {
        part.file.resume();
      } else if (part.fieldname === 'json') {
        Object.assign(input, photoInputJson(part.value));
      }
    }
    if (image !== undefined) return await services.photos.setFromUpload(viewer, subject, image, input);
  } catch (error) {
    throw multipartError(error, () => fileTooLarge(limit));
  }
  if (input.fileId !== undefined)
    return services.photos.setFromFile(viewer, scope, kind, rawId, input.fileId, input);
  throw invalidInput(NO_IMAGE);
}

/** The `json` part: Photo Input, whose numbers the real clients send as text (`"cropX":"0"`). */
function photoInputJson(raw: unknown): PhotoInputValue {
  const input: PhotoInputValue = {};
  for (const [key, value] of Object.entries(jsonPartObject(raw))) {
    if (key === 'fileId' && typeof value === 'string') input.fileId = value;
    else if (key === 'versionNumber') continue;
    else if ((CROP_FIELDS as readonly string[]).includes(key))
      input[key as (typeof CROP_FIELDS)[number]] = cropValue(key, value);
    else throw unrecognizedField(key);
  }
  return input;
}

function cropValue(name: string, value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  const least = name === 'cropSize' ? 1 : 0;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < least) {
    throw apiError('INVALID_INPUT', {
      detail: `Invalid ${name}: ${String(value)}. Specify a whole number of pixels, at least ${least}.`,
    });
  }
  return Number(text);
}
