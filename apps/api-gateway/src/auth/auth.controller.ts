import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SignupBody, TokenBody } from '@muse/contracts';
import { parseInput } from '../common/validation.js';
import { AuthService } from './auth.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @HttpCode(201)
  signup(@Body() body: unknown) {
    return this.auth.signup(parseInput(SignupBody, body, 'body'));
  }

  @Post('token')
  @HttpCode(200)
  token(@Body() body: unknown) {
    return this.auth.token(parseInput(TokenBody, body, 'body'));
  }
}
